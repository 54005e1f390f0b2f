// The checkout walk: from a product page through the cart to the order review step, as a shopper
// on a phone would go, counting steps and form fields (facts/checkout_flow.h).
//
// Modes:
//  - "walk" acts: it adds the product to the cart, goes to the cart and on through the checkout,
//    filling each step's form with a synthetic buyer (pipeline/buyer.h) and submitting it. A step
//    refused with validation errors is filled again, every field this time, and submitted once
//    more.
//  - "inspect" only follows links (GET): product -> cart -> checkout pages reachable without a
//    form, and estimates the steps from the checkout's step indicator when it shows one.
//
// Safety, the hard rule: nothing that places an order, pays or subscribes is ever activated. Every
// control the walk uses must be judged safe by facts::JudgeActivation, and the walk itself refuses
// any form that holds card fields or places the order. It never types card data. The page holding
// the final order control is the order review step: the walk stops there. Where it is unsure, it
// stops, and says why and where.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/checkout_flow.h"
#include "fetch/fetcher.h"
#include "pipeline/buyer.h"

namespace mmaudit::pipeline {

struct WalkOptions {
  std::string mode = "walk";        // "walk" or "inspect"
  fetch::FetchOptions fetch;        // identity, timeouts and limits for every request
  std::optional<Buyer> buyer;       // nullopt: the default buyer of the shop's country (GuessCountry)
  int max_steps = 10;               // steps after the cart before giving up
  int max_requests = 80;            // requests in all, redirects included
  // robots.txt is obeyed as the crawl obeys it: the walk stops before a disallowed URL (many shops
  // disallow /cart and /checkout) and says so. true: the explicit opt-out, as --ignore-robots.
  bool ignore_robots = false;
  std::string robots_token = "mmaudit";  // our product token in robots.txt, as the crawl's
  // Cookies to start with: the crawl's jar (fetch::CrawlResult::cookies), so the walk goes on as the
  // same visitor.
  std::vector<std::string> cookies;
};

// Walks the checkout from `product_url` (an absolute URL of a product page). Never throws: network
// failures, unexpected pages and refusals end the walk with result "blocked" and the reason.
facts::CheckoutFlow WalkCheckout(const std::string& product_url, const WalkOptions& options);

}  // namespace mmaudit::pipeline
