// Structured-data validation: the items of a StructuredData checked against Google's required and
// recommended properties (../shared/reference/structured-data.md) and schema.org's value types.
// Pure functions over the facts model; no DOM, no I/O.
//
// What is validated, at any depth unless said otherwise:
//  - Product: name; one of offers, review or aggregateRating. A Product with offers is a merchant
//    listing: image is required too, each Offer's price must be a number > 0 and priceCurrency is
//    required; brand, an identifier (gtin*, mpn, sku), aggregateRating and review are recommended.
//  - Offer: price (or priceSpecification.price) required; priceCurrency, availability and
//    priceValidUntil recommended (priceCurrency required in a merchant listing); for a merchant
//    listing also itemCondition, shippingDetails and hasMerchantReturnPolicy recommended.
//    AggregateOffer: lowPrice and priceCurrency required; highPrice and offerCount recommended.
//  - AggregateRating: ratingValue (a number within [worstRating, bestRating], defaults 1 and 5) and
//    ratingCount or reviewCount required; itemReviewed when it stands alone.
//  - Review: author and reviewRating.ratingValue required, datePublished recommended; itemReviewed
//    when it stands alone.
//  - BreadcrumbList: itemListElement of ListItems, each with an integer position, a name and an
//    item (the last ListItem may leave out item).
//  - LocalBusiness and its subtypes (Store ...), top-level only: name and address required; geo,
//    openingHoursSpecification (or openingHours), telephone and url recommended.
//  - Organization (not a LocalBusiness), top-level only: logo and url recommended.
//  - FAQPage: mainEntity Questions, each with a name and an acceptedAnswer with text.
// Value types: prices as plain numbers with a dot ("12.50"; "12,50" and "$12" are errors),
// priceCurrency an ISO 4217 code (the embedded rules/reference/iso4217.json), availability an
// ItemAvailability value (URL, "schema:" name or short name).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/page_facts.h"

namespace mmaudit::facts {

// Every issue of every item in `sd`, in item order (sd.items order: JSON-LD blocks, then microdata
// items), each item's issues in the order of the properties listed above. An item nested in a
// validated one (a Product's offers) is reported under the outer item, with a dotted property
// path ("offers.price"). Empty when there is nothing to say. Never throws on any input.
std::vector<SdIssue> ValidateStructuredData(const StructuredData& sd);

// Markup against the visible page, as warnings: the first Product's price (commerce.price) against
// commerce.visible_price_value when they differ by more than 1% of the larger, and the markup
// rating against reviews.visible_rating_value (both scaled to the markup's bestRating) when they
// differ by more than 0.1. Empty when either side of a comparison is missing.
std::vector<SdIssue> CheckSdConsistency(const StructuredData& sd, const CommerceFacts& commerce,
                                        const ReviewFacts& reviews);

// "JSON-LD block 2" or "microdata item 1", plus the item's @id or name (quoted, shortened) when it
// has one; "" items built by hand without a block number say "item".
std::string SdItemWhere(const SdItem& item);

// True for LocalBusiness and the subtypes storefronts use (Store, ClothingStore, Restaurant ...).
bool IsLocalBusinessType(std::string_view type);

// True when `code` is an ISO 4217 alphabetic code ("EUR"; upper case only). When the embedded table
// is missing from the build, any three upper-case ASCII letters pass.
bool IsIso4217Currency(std::string_view code);

// The schema.org ItemAvailability short name of "https://schema.org/InStock", "schema:InStock",
// "http://schema.org/InStock/" or "InStock"; "" when the value is none of those.
std::string ItemAvailabilityName(std::string_view value);

}  // namespace mmaudit::facts
