#include <gtest/gtest.h>

#include <map>

#include "facts/extract.h"
#include "html/query.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

TEST(Links, ClassifiesInternalExternalTelMailtoMapsAndUncrawlableLinks) {
  auto doc = testing::ParseFixture("fixtures/pages/links/mixed.html");
  LinkFacts f = ExtractLinks(doc, Context{"https://shop.example/c/boots"});
  EXPECT_EQ(f.total, 17u);  // <a name> without href is not a link
  EXPECT_EQ(f.tel, 1u);
  EXPECT_EQ(f.mailto, 1u);
  EXPECT_EQ(f.maps, 2u);
  EXPECT_EQ(f.javascript, 1u);
  EXPECT_EQ(f.invalid, 2u);  // href="" and an unparseable URL
  EXPECT_EQ(f.external, 3u);  // instagram + two maps
  EXPECT_EQ(f.internal, 8u);
  EXPECT_EQ(f.links[3].href, "https://shop.example/p/alpine-boot");  // fragment dropped
  EXPECT_EQ(f.links[11].kind, LinkKind::kFragment);
  EXPECT_EQ(f.links[13].text, "Read more");
  EXPECT_EQ(f.links[14].text, "Winter sale");  // from the image alt
  EXPECT_EQ(f.links[15].text, "Wishlist");     // from aria-label
}

TEST(Forms, CountsFieldsShownByDefaultTheBaymardWay) {
  auto doc = testing::ParseFixture("fixtures/pages/forms/checkout.html");
  FormFacts f = ExtractForms(doc, Context{"https://shop.example/checkout"});
  ASSERT_EQ(f.forms.size(), 2u);
  const Form& form = f.forms[1];
  EXPECT_EQ(form.method, "post");
  EXPECT_EQ(form.action, "https://shop.example/checkout/address");
  // email, first, last, address1, zip, phone, notes, disabled_field: text-entry and visible.
  EXPECT_EQ(form.visible_text_fields, 8u);
  EXPECT_EQ(form.hidden_text_fields, 2u);   // company behind [hidden], address2 behind display:none
  EXPECT_EQ(form.other_elements, 3u);       // country select, one radio group, newsletter checkbox
  EXPECT_EQ(form.required, 5u);             // email, first, last, address1 (aria-required), zip
}

// An inline font under 16 px (px, or pt at 4/3 px) marks a text field: phones zoom in on it.
// Relative units and non-text controls are left alone.
TEST(Forms, MarksTextFieldsWhoseInlineFontIsUnderSixteenPixels) {
  auto doc = testing::ParseFixture("fixtures/pages/forms/small-fonts.html");
  const FormFacts f = ExtractForms(doc, Context{"https://shop.example/checkout"});
  ASSERT_EQ(f.forms.size(), 1u);
  std::map<std::string, bool> small;
  for (const FormControl& c : f.forms[0].controls) small[c.name] = c.small_font;
  EXPECT_TRUE(small.at("a"));   // 13px
  EXPECT_FALSE(small.at("b"));  // 16px
  EXPECT_TRUE(small.at("c"));   // font shorthand, 11pt = 14.7px
  EXPECT_FALSE(small.at("d"));  // rem: depends on the page
  EXPECT_TRUE(small.at("e"));   // 9.5px after other properties
  EXPECT_FALSE(small.at("f"));  // a checkbox is not typed into
  EXPECT_TRUE(small.at("g"));   // textarea at 14px
  EXPECT_FALSE(small.at("h"));  // no style
}

TEST(Forms, FindsLabelsFromForWrappingAriaAndPlaceholder) {
  auto doc = testing::ParseFixture("fixtures/pages/forms/checkout.html");
  const Form form = ExtractForms(doc, Context{"https://shop.example/checkout"}).forms[1];
  auto control = [&](const std::string& name) -> const FormControl& {
    for (const auto& c : form.controls)
      if (c.name == name) return c;
    static FormControl none;
    ADD_FAILURE() << "no control " << name;
    return none;
  };
  EXPECT_EQ(control("email").label, "Email address");
  EXPECT_EQ(control("first").label, "First name");
  EXPECT_EQ(control("last").label, "Last name");
  EXPECT_EQ(control("address1").label, "Street and number");
  EXPECT_EQ(control("zip").inputmode, "numeric");
  EXPECT_TRUE(control("phone").blocks_paste);
  EXPECT_FALSE(control("step").visible);
  EXPECT_FALSE(control("company").visible);
  EXPECT_TRUE(control("disabled_field").disabled);
}

TEST(Forms, LabelsLeaveOutSelectOptionsAndFollowAriaLabelledby) {
  auto doc = testing::ParseFixture("fixtures/pages/forms/labels.html");
  const Form form = ExtractForms(doc, Context{"https://shop.example/checkout"}).forms.at(0);
  ASSERT_EQ(form.controls.size(), 4u);
  EXPECT_EQ(form.controls[0].label, "State *");  // wrapping label, without "Alabama Alaska"
  EXPECT_EQ(form.controls[1].label, "Country");  // <label for> wrapping its select
  EXPECT_EQ(form.controls[2].label, "Expiration MM/YY for the second card");  // unknown ids skipped
  EXPECT_EQ(form.controls[3].label, "Order notes");  // no element with that id: aria-label
}

TEST(Forms, TheControlReaderReadsControlsOutsideForms) {
  auto doc = testing::ParseFixture("fixtures/pages/forms/labels.html");
  const FormControlReader reader(doc);
  std::vector<FormControl> read;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (auto c = reader.Read(n)) read.push_back(*c);
    return html::Visit::kContinue;
  });
  ASSERT_EQ(read.size(), 5u);  // the four in the form, the loose one, and nothing for other nodes
  EXPECT_EQ(read[4].name, "postcode");
  EXPECT_EQ(read[4].label, "Postcode");
  EXPECT_EQ(read[4].type, "text");
  EXPECT_FALSE(reader.Read(html::FindFirst(doc.root(), GUMBO_TAG_LABEL)).has_value());
}

}  // namespace
}  // namespace mmaudit::facts
