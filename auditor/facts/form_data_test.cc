#include "facts/form_data.h"

#include <gtest/gtest.h>

#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

class FormDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Context ctx;
    ctx.base_url = "https://shop.example/checkout/shipping";
    sets = ReadFormDataSets(doc, ctx);
    forms = ExtractForms(doc, ctx);
  }
  const html::Document doc = testing::ParseFixture("fixtures/pages/forms/entry-list.html");
  std::vector<FormDataSet> sets;
  FormFacts forms;
};

// The i-th data set is the i-th form of ExtractForms, with the same controls in the same order,
// plus controls outside the form that name it.
TEST_F(FormDataTest, DataSetsLineUpWithTheFormsExtractFormsReads) {
  ASSERT_EQ(sets.size(), 3u);
  ASSERT_EQ(forms.forms.size(), 3u);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    EXPECT_EQ(sets[i].action, forms.forms[i].action);
    for (std::size_t k = 0; k < forms.forms[i].controls.size(); ++k) {
      ASSERT_LT(k, sets[i].fields.size());
      EXPECT_EQ(sets[i].fields[k].control.name, forms.forms[i].controls[k].name) << i << "/" << k;
      EXPECT_EQ(sets[i].fields[k].control.label, forms.forms[i].controls[k].label) << i << "/" << k;
    }
  }
  EXPECT_EQ(sets[1].method, "post");
  EXPECT_EQ(sets[1].action, "https://shop.example/checkout/shipping");
  EXPECT_EQ(sets[1].fields.back().control.name, "gift_message");  // form="shipping", outside the form
}

TEST_F(FormDataTest, ReadsValuesCheckedStatesAndTheOptionsABrowserShows) {
  const FormDataSet& f = sets[1];
  auto field = [&](const std::string& name, std::size_t nth = 0) -> const FormField& {
    for (const FormField& x : f.fields)
      if (x.control.name == name && nth-- == 0) return x;
    ADD_FAILURE() << "no field " << name;
    return f.fields.front();
  };
  EXPECT_EQ(field("notes").value, "Leave at the door");
  EXPECT_FALSE(field("newsletter").checked);
  EXPECT_TRUE(field("same_as_shipping").checked);
  EXPECT_EQ(field("same_as_shipping").value, "on");
  EXPECT_EQ(field("country").value, "PL");
  ASSERT_EQ(field("country").options.size(), 3u);
  EXPECT_EQ(field("country").options[2], (std::pair<std::string, std::string>{"DE", "Deutschland"}));
  // Nothing selected: the first enabled option shows; an option without a value sends its text.
  EXPECT_EQ(field("region").value, "Mazowieckie");
  EXPECT_EQ(field("region").options.size(), 2u);
}

TEST_F(FormDataTest, TheEntryListHasWhatABrowserSubmitsWithItsSubmitter) {
  const FormDataSet& f = sets[1];
  int next = -1, image = -1;
  for (std::size_t i = 0; i < f.fields.size(); ++i) {
    if (f.fields[i].control.name == "action" && f.fields[i].value == "next") next = static_cast<int>(i);
    if (f.fields[i].control.name == "go") image = static_cast<int>(i);
  }
  ASSERT_GE(next, 0);
  const Entries expected = {{"token", "abc123"},          {"firstname", ""},       {"postcode", "00-590"},
                            {"notes", "Leave at the door"}, {"same_as_shipping", "on"}, {"ship", "locker"},
                            {"country", "PL"},              {"region", "Mazowieckie"}, {"action", "next"},
                            {"gift_message", "Happy birthday"}};
  EXPECT_EQ(EntryList(f, next), expected);
  const Entries by_image = EntryList(f, image);
  EXPECT_NE(std::find(by_image.begin(), by_image.end(), std::pair<std::string, std::string>{"go.x", "0"}), by_image.end());
  EXPECT_EQ(std::count_if(by_image.begin(), by_image.end(), [](const auto& e) { return e.first == "action"; }), 0);
  EXPECT_EQ(EntryList(sets[0], -1), (Entries{{"q", "boots"}}));
}

}  // namespace
}  // namespace mmaudit::facts
