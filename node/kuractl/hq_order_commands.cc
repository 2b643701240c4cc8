// kuractl hq availability and hq order place|cancel|status: online orders HQ takes for a
// store (ops hq.availability, hq.order.place, hq.order.cancel, hq.order.status). A store
// HQ can reach decides the order itself (PROTOCOL.md 2.4); otherwise HQ promises it from
// the store's allotment (escrow, node/escrow.h), so it can take orders while the store is
// offline: a hold `hq.<n>` with a ticket signed by HQ, which reaches the store by sync.
#include <functional>
#include <memory>

#include "commands.h"
#include "hold_output.h"
#include "hold_request.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"
#include "ticket_output.h"

namespace kura::ctl {
namespace {

using nlohmann::json;
using A = Table::Align;

constexpr const char* kNearHelp = "the customer's position in degrees, e.g. 34.6901,135.1955";

Result<json> NearArg(const std::string& text) {
  KURA_ASSIGN_OR_RETURN(PointArg near, ParsePoint(text, "--near"));
  return json{{"lat", near.lat}, {"lon", near.lon}};
}

void PrintAvailability(const json& r, std::ostream& out) {
  const json& stores = r.at("stores");
  if (stores.empty()) {
    out << "no stores in the directory (kuractl hq directory set)\n";
    return;
  }
  Table table({{"STORE"},
               {"NAME"},
               {"DIST(KM)", A::kRight},
               {"REACHABLE"},
               {"HAND_OVER"},
               {"ON_HAND", A::kRight},
               {"HELD", A::kRight},
               {"HQ_ALLOTMENT", A::kRight},
               {"CAN_PROMISE", A::kRight}});
  for (const json& s : stores) {
    table.AddRow({Cell(s.at("store")), Cell(s.value("name", json())),
                  FormatKm(s.value("distance_km", json())), YesNo(s.at("reachable")),
                  YesNo(s.at("can_hand_over")), Cell(s.at("on_hand")), Cell(s.at("held")),
                  Cell(s.at("hq_allotment")), Cell(s.at("can_promise"))});
  }
  out << "SKU " << Cell(r.at("sku")) << " for online orders, as HQ sees it:\n";
  table.Print(out);
}

// The order's hold fields, and who decided it when the reply says so.
Fields OrderFields(const json& h) {
  Fields fields = HoldFields(h);
  if (h.contains("decided_by")) fields.push_back({"decided by", Cell(h.at("decided_by"))});
  return fields;
}

void PrintOrder(const json& h, std::ostream& out) { PrintFields(OrderFields(h), out); }

void PrintCancelled(const json& h, std::ostream& out) {
  out << "order " << Cell(h.at("id")) << " at " << Cell(h.at("store")) << " is now "
      << Cell(h.at("state")) << " (" << FormatLines(h.at("lines")) << ")\n";
}

// A placed order: its fields and ticket code, and the QR image as `images` asks.
void PrintPlaced(const json& h, const TicketImageArgs& images, std::ostream& out) {
  Fields fields = OrderFields(h);
  bool ticketed = h.contains("ticket");
  fields.push_back(
      {"ticket", ticketed ? Cell(h.at("ticket")) : "none: the order is too large for a ticket"});
  PrintFields(fields, out);
  if (!ticketed) return;
  DrawTicketQr(h.at("ticket").get<std::string>(), images, out);
  PrintImagesWritten(images, out);
}

void AddAvailability(CLI::App* hq, Plan* plan) {
  struct Args {
    std::string sku, near;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = hq->add_subcommand(
      "availability",
      "Show what HQ can promise online for one SKU at every store in the "
      "directory: whether HQ hears from the store, whether it hands over orders, "
      "its stock, HQ's allotment and what HQ can promise now");
  cmd->add_option("SKU", a->sku, "the SKU, e.g. TEE-M-BLK")->required()->type_name("");
  cmd->add_option("--near", a->near, std::string(kNearHelp) + "; lists the stores nearest first")
      ->type_name("LAT,LON");
  cmd->footer(
      std::string(kAllotmentHelp) +
      "\nCAN_PROMISE is the allotment when the store hands over orders (pickup enabled "
      "and open), else 0.\nExample: kuractl hq availability TEE-M-BLK --near 34.6901,135.1955");
  OnParsed(cmd, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string sku, ParseId(a->sku, "SKU", ValidateSku));
    json args = {{"sku", sku}};
    if (!a->near.empty()) {
      KURA_ASSIGN_OR_RETURN(args["near"], NearArg(a->near));
    }
    return HqInvocation("hq.availability", args, false, PrintAvailability);
  });
}

void AddPlace(CLI::App* order, Plan* plan) {
  struct Args {
    HoldRequestArgs request;
    std::string store, near;
    TicketImageArgs images;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = order->add_subcommand(
      "place",
      "Take an online order for a store. A store HQ can reach decides it from its own stock "
      "and signs its ticket (the hold is <store>.N; decided_by store); otherwise, or when "
      "the store does not answer in time, HQ promises the lines from the store's allotment "
      "and makes a hold (hq.N) with a ticket signed by HQ, even while the store is offline; "
      "the hold reaches the store by sync, which queues its pick slip. Refused (exit 1) when "
      "the stock or allotment is short or the store cannot hand over orders; the message "
      "names the nearest stores that could take the order");
  cmd->add_option("--store", a->store, "the store that hands the goods over, e.g. umeda-02")
      ->required()
      ->type_name("STORE");
  AddHoldRequestOptions(cmd, &a->request,
                        "pickup (paid online order, expires in 72h by default) or tryon (unpaid "
                        "try-on, 2h)");
  cmd->add_option("--near", a->near,
                  std::string(kNearHelp) + "; ranks the alternatives named on a refusal")
      ->type_name("LAT,LON");
  AddTicketImageOptions(cmd, &a->images);
  cmd->footer(std::string(kAllotmentHelp) +
              "\nThe customer shows the ticket code (or its QR image) at the store, which checks "
              "it with 'kuractl ticket verify' and hands over with 'kuractl ticket redeem'.\n"
              "Example: kuractl hq order place --store umeda-02 --kind pickup --line TEE-M-BLK:1 "
              "--customer c-7001 --qr");
  OnParsed(cmd, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string store, ParseId(a->store, "--store", ValidateStoreId));
    const std::string& kind = a->request.kind;
    if (kind != "pickup" && kind != "tryon") {
      return Status::InvalidArgument("--kind \"" + kind +
                                     "\": must be pickup or tryon (an online order)");
    }
    KURA_ASSIGN_OR_RETURN(json args, HoldRequestJson(a->request));
    args["store"] = store;
    if (!a->near.empty()) {
      KURA_ASSIGN_OR_RETURN(args["near"], NearArg(a->near));
    }
    Invocation inv =
        HqInvocation("hq.order.place", args, true,
                     [a](const json& h, std::ostream& out) { PrintPlaced(h, a->images, out); });
    // The files are written whatever the output format, before anything is printed.
    inv.outcome = [a](const json& h) {
      if (!h.contains("ticket")) return Exit::kOk;
      return WriteTicketImages(&a->images, h.at("ticket").get<std::string>()) ? Exit::kOk
                                                                             : Exit::kLocalOutput;
    };
    return inv;
  });
}

// `order cancel|status`: a subcommand taking one order ID; `build` makes the invocation
// from the checked id.
void AddOrderIdCommand(CLI::App* order, Plan* plan, const char* name, const char* help,
                       std::function<Invocation(std::string id)> build) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = order->add_subcommand(name, help);
  cmd->add_option("ID", *id, "the order's hold id, e.g. hq.7")->required()->type_name("");
  OnParsed(cmd, plan, [id, build]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string order_id, ParseId(*id, "ID", ValidateHoldId));
    return build(std::move(order_id));
  });
}

void AddCancelAndStatus(CLI::App* order, Plan* plan) {
  AddOrderIdCommand(order, plan, "cancel",
                    "Cancel an order HQ placed that is still active; the store releases its "
                    "units when it next syncs",
                    [](std::string id) {
                      return HqInvocation("hq.order.cancel", {{"id", std::move(id)}}, true,
                                          PrintCancelled);
                    });
  AddOrderIdCommand(order, plan, "status",
                    "Show an order HQ placed as HQ last heard of it: the store's moves (ready, "
                    "collected, expired) arrive by sync",
                    [](std::string id) {
                      return HqInvocation("hq.order.status", {{"id", std::move(id)}}, false,
                                          PrintOrder);
                    });
}

}  // namespace

void AddHqOrderCommands(CLI::App* hq, Plan* plan) {
  AddAvailability(hq, plan);
  CLI::App* order = hq->add_subcommand(
      "order", "Online orders (pickup or try-on) HQ takes for a store: decided by the store when HQ "
               "reaches it, else from the store's allotment");
  order->require_subcommand(1);
  order->footer(kAllotmentHelp);
  AddPlace(order, plan);
  AddCancelAndStatus(order, plan);
  AddTicketShowCommand(order, plan,
                       {"hq.order.ticket", Target::kHq,
                        "Show again, for a customer who lost it, the signed pickup ticket of an active "
                        "order HQ decided (hq.N; the store gives its own with hold ticket)",
                        "order id, e.g. hq.17", "kuractl hq order ticket hq.17 --png ticket.png"});
}

}  // namespace kura::ctl
