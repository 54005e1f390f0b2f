// Engagement facts: how a page keeps a shopper in touch after this visit (EngagementFacts in
// page_facts.h): a chat widget or messenger chat link, a newsletter form or web push service,
// links to the shop's social profiles, and its native app (store links, smart app banner meta).
// Pure functions over the DOM and the page's links. Which vendors, hosts and networks count is data
// (rules/reference/engagement.json); the texts of chat and notification buttons are cues in nine
// languages (rules/engagement-lexicon.json); newsletter forms are told by the existing cues
// "subscribe" and "form_subscribes" (rules/checkout-lexicon.json) and "newsletter"
// (rules/fields-lexicon.json). Everything is embedded in the binary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/extract.h"
#include "facts/lexicon.h"
#include "facts/page_facts.h"
#include "html/document.h"

namespace mmaudit::facts {

// rules/reference/engagement.json, parsed. Hosts, paths and markup cues are lower case; script
// cues keep their case (they are JavaScript names).
struct EngagementReference {
  struct Vendor {
    std::string name;
    std::vector<std::string> hosts;        // a host matches itself and its subdomains
    std::vector<std::string> script_cues;  // substrings of a script's URL or inline text
    std::vector<std::string> markup_cues;  // substrings of an element's id or class
  };
  struct Messenger {
    std::string name;
    std::vector<std::string> hosts;
    std::vector<std::string> schemes;         // URL schemes without ":", e.g. "whatsapp", "tg"
    std::vector<std::string> not_chat_paths;  // path prefixes that open no chat, e.g. "/share"
  };
  struct Network {
    std::string name;
    std::vector<std::string> hosts;
    std::vector<std::string> not_profile_paths;  // path prefixes of share buttons, posts, logins
  };
  struct Store {
    std::string name;
    std::vector<std::string> hosts;
    std::vector<std::string> app_path_cues;  // path substrings of one app's page, e.g. "/app/"
  };
  std::vector<Vendor> chat_widgets;
  std::vector<Messenger> messengers;
  std::vector<Vendor> push_services;
  std::vector<Network> social_networks;
  std::vector<Store> app_stores;
  std::vector<std::string> app_banner_meta;  // <meta name> values of smart app banners
  std::vector<std::string> app_link_meta;    // <meta property> values of App Links
};

// Parses the reference JSON. Returns nullopt and sets *error when it is not JSON, or a list or an
// entry is not of the shape above (a vendor without a name, a non-string in a list ...).
std::optional<EngagementReference> ParseEngagementReference(std::string_view json, std::string* error);
// The embedded rules/reference/engagement.json, parsed on first use and kept for the whole program
// (thread-safe). Aborts the program if it was not embedded or is broken, which a test guards against.
const EngagementReference& DefaultEngagementReference();
// The embedded rules/engagement-lexicon.json (Lexicon::Embedded).
const Lexicon& EngagementLexicon();

// Whether a link to a social network is a profile. `network` is "" when the URL is not on a
// network of the reference; `profile` is true for a link to an account, page or channel, false for
// share buttons and the other paths the reference names, and for the network's bare home page.
struct SocialLink {
  std::string network;
  bool profile = false;
};
// Reads an absolute http(s) URL; any other string gives an empty network.
SocialLink ClassifySocialLink(std::string_view url, const EngagementReference& ref);

// The engagement facts of a parsed page. `links` are the page's links (ExtractLinks), read for
// messenger, social and app store links; the DOM is read for scripts, iframes, element ids and
// classes, <meta> and <link rel=alternate> app links, forms, and the texts of links and buttons.
// Never throws; a page with none of these gives empty facts. Keeps no pointer into the DOM.
EngagementFacts ExtractEngagement(const html::Document& doc, const LinkFacts& links, const Context& ctx);
// The same with another reference table (for tests).
EngagementFacts ExtractEngagement(const html::Document& doc, const LinkFacts& links, const Context& ctx,
                                  const EngagementReference& ref);

}  // namespace mmaudit::facts
