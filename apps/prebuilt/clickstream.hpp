// clickstream: web sessions and a conversion funnel over click events (user, page, action
// view / cart / checkout, ts), as two queries sharing one input:
//
//   clickstream-sessions  group_by(user, session_window(ts, session.gap)) — page views,
//                         session start/end/duration, the pages visited in order
//                         (collect_list), distinct pages (approx) ─▶ output/sessions/
//   clickstream-funnel    per funnel.window: views, carts, checkouts, visitors (approx
//                         distinct users) and the conversion rates view→cart, cart→checkout,
//                         view→checkout ─▶ output/funnel/
//
// Both in append mode: a session comes out once the watermark passes its end (last click +
// gap), a funnel window once the watermark passes the window's end. The funnel counts events
// per step in the window (Spark's usual streaming funnel), not per-user step sequences.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition clickstream_app();

}  // namespace sluice
