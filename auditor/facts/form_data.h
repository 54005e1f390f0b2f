// What a browser would submit for a form: the form's controls with their names, current values,
// checked states and select options, read from the DOM (HTML, "constructing the entry list"). The
// checkout walk fills these with buyer data and submits them; nothing here does I/O.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "facts/extract.h"
#include "facts/page_facts.h"
#include "html/document.h"

namespace mmaudit::facts {

struct FormField {
  FormControl control;  // as ExtractForms reads it (type, name, label, visibility ...)
  std::string value;    // the current value: value attribute, textarea text, the selected option
  bool checked = false; // checkboxes and radios
  // Selects: every enabled option as (value, label), in order; `value` is the selected one (the
  // first option when none is marked selected, as a browser shows a drop-down).
  std::vector<std::pair<std::string, std::string>> options;
};

struct FormDataSet {
  std::string action;  // resolved; the page URL when the attribute is missing or empty
  std::string method;  // "get" or "post"
  std::string id, name;
  // Controls of the form in tree order, including those outside it that name it with form="id";
  // buttons included (a submission names the button that submitted it).
  std::vector<FormField> fields;
};

// Every <form> of the page, in document order: forms[i] is the same form as FormFacts::forms[i].
// Never fails; a page without forms gives an empty vector.
std::vector<FormDataSet> ReadFormDataSets(const html::Document& doc, const Context& ctx);

// The entry list a browser submits for `form` when `submitter` (an index into form.fields, or -1
// for an implicit submission) submits it: enabled named controls; checkboxes and radios only when
// checked (value "on" when they have none); the submitter's own name and value, other buttons
// never; image buttons as name.x/name.y.
std::vector<std::pair<std::string, std::string>> EntryList(const FormDataSet& form, int submitter);

}  // namespace mmaudit::facts
