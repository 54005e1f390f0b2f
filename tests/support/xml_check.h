// A small XML 1.0 well-formedness checker and tree reader for tests of mmaudit's XML output (the
// JUnit report), so the tests need no XML library. It checks what a conforming parser would refuse
// in such documents: UTF-8 and the XML character range, one root element, matched and properly
// nested tags, quoted and unique attributes without a raw '<', only the five predefined entities
// and valid character references, no "]]>" in text, well-formed comments, CDATA sections and
// processing instructions, and an XML declaration only at the very start. DOCTYPE declarations are
// refused (mmaudit writes none).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmaudit::testing {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // values with references resolved
  std::vector<XmlElement> children;
  std::string text;  // the element's own character data (references resolved, CDATA included)

  // The value of attribute `name`, or "" when absent.
  std::string Attribute(std::string_view name) const;
  bool HasAttribute(std::string_view name) const;
  // Children named `name`, in order.
  std::vector<const XmlElement*> Children(std::string_view name) const;
};

// Parses `xml`. Returns true and fills *root when the document is well-formed; returns false and
// sets *error (with the byte offset) otherwise.
bool ParseXml(std::string_view xml, XmlElement* root, std::string* error);

}  // namespace mmaudit::testing
