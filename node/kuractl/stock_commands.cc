// kuractl stock ...: look at and move a store's stock (ops stock.*).
#include <limits>
#include <memory>

#include "commands.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "kura/schema/records.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

constexpr int64_t kIntMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();

// The command-line values of every stock subcommand; each uses the ones it declares.
struct StockArgs {
  std::string sku, qty, price, customer, store, prefix, max_atp, limit, after;
  bool override_promised = false;
};

void PrintStockTable(const json& views, std::ostream& out) {
  using A = Table::Align;
  Table table({{"SKU"}, {"ON_HAND", A::kRight}, {"HELD", A::kRight}, {"FOR_ONLINE", A::kRight}, {"ATP", A::kRight}});
  for (const json& v : views) {
    table.AddRow({Cell(v.at("sku")), Cell(v.at("on_hand")), Cell(v.at("held")), Cell(v.at("promised_online")),
                  Cell(v.at("atp"))});
  }
  table.Print(out);
}

std::string ReceiptName(const json& receipt) {
  return Cell(receipt.at("origin")) + "/" + Cell(receipt.at("seq"));
}

// The sku and qty that receive, sell, return and the transfers all take.
Result<json> SkuQty(const StockArgs& a) {
  KURA_ASSIGN_OR_RETURN(std::string sku, ParseId(a.sku, "SKU", ValidateSku));
  KURA_ASSIGN_OR_RETURN(int64_t qty, ParseQty(a.qty, "QTY"));
  return json{{"sku", sku}, {"qty", qty}};
}

// --price and --customer of sell and return, added to `target` when given.
Status AddSaleExtras(const StockArgs& a, json* line, json* args) {
  if (!a.price.empty()) {
    KURA_ASSIGN_OR_RETURN((*line)["price_cents"], ParsePriceCents(a.price, "--price"));
  }
  if (!a.customer.empty()) {
    KURA_ASSIGN_OR_RETURN((*args)["customer"], ParseId(a.customer, "--customer", ValidateCustomerId));
  }
  return Status::Ok();
}

CLI::App* AddSkuQty(CLI::App* stock, const char* name, const char* help, StockArgs& a) {
  CLI::App* cmd = stock->add_subcommand(name, help);
  cmd->add_option("SKU", a.sku, "the SKU, e.g. TEE-M-BLK")->required()->type_name("");
  cmd->add_option("QTY", a.qty, "number of units, 1.." + std::to_string(kMaxQty))->required()->type_name("");
  return cmd;
}

void AddSaleOptions(CLI::App* cmd, StockArgs& a) {
  cmd->add_option("--price", a.price, "unit price as a decimal, e.g. 12.50 (stored as cents)")->type_name("PRICE");
  cmd->add_option("--customer", a.customer, "customer id, e.g. c-1042 (for points and history)")->type_name("CUSTOMER");
}

// A command whose result is one stock view: print what happened, then the view.
std::function<void(const json&, std::ostream&)> ShowView(std::string verb, int64_t qty) {
  return [verb = std::move(verb), qty](const json& r, std::ostream& out) {
    out << verb << " " << qty << " x " << Cell(r.at("sku")) << "\n";
    PrintStockTable(json::array({r}), out);
  };
}

void AddGetAndList(CLI::App* stock, Plan* plan) {
  auto a = std::make_shared<StockArgs>();
  CLI::App* get = stock->add_subcommand(
      "get", "Show one SKU: units on hand, units held for customers, units allotted to HQ for online "
             "orders, and units available to promise (ATP = on hand - held - safety stock - for online)");
  get->add_option("SKU", a->sku, "the SKU, e.g. TEE-M-BLK")->required()->type_name("");
  OnParsed(get, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string sku, ParseId(a->sku, "SKU", ValidateSku));
    return Invocation{"stock.get", {{"sku", sku}}, false,
                      [](const json& r, std::ostream& out) { PrintStockTable(json::array({r}), out); },
                      nullptr};
  });

  CLI::App* list = stock->add_subcommand(
      "list", "List SKUs in key order with on hand, held, allotted for online and ATP; filter by prefix or low ATP");
  list->add_option("--prefix", a->prefix, "only SKUs starting with this, e.g. TEE-")->type_name("PREFIX");
  list->add_option("--max-atp", a->max_atp, "only SKUs whose ATP is at most N (find what runs low)")->type_name("N");
  list->add_option("--limit", a->limit,
                   "list at most N SKUs, 1.." + std::to_string(kMaxStockListLimit) + " (daemon default 1000)")
      ->type_name("N");
  list->add_option("--after", a->after, "start after this SKU: the next page, when the last one said more follow")
      ->type_name("SKU");
  list->footer("Example: kuractl stock list --prefix TEE- --max-atp 2");
  OnParsed(list, plan, [a]() -> Result<Invocation> {
    json args = json::object();
    if (!a->prefix.empty()) args["prefix"] = a->prefix;
    if (!a->max_atp.empty()) {
      KURA_ASSIGN_OR_RETURN(args["max_atp"], ParseInt(a->max_atp, "--max-atp", kIntMin, kIntMax));
    }
    if (!a->limit.empty()) {
      KURA_ASSIGN_OR_RETURN(args["limit"], ParseLimit(a->limit, kMaxStockListLimit));
    }
    if (!a->after.empty()) {
      KURA_ASSIGN_OR_RETURN(args["after"], ParseId(a->after, "--after", ValidateSku));
    }
    return Invocation{"stock.list", args, false,
                      [](const json& r, std::ostream& out) {
                        const json& items = r.at("items");
                        if (items.empty()) {
                          out << "no SKUs match\n";
                          return;
                        }
                        PrintStockTable(items, out);
                        if (r.value("more", false)) PrintMoreHint(items.size(), items.back().at("sku").get<std::string>(), out);
                      },
                      nullptr};
  });
}

void AddMoves(CLI::App* stock, Plan* plan) {
  auto a = std::make_shared<StockArgs>();
  CLI::App* receive = AddSkuQty(stock, "receive",
                                "Book a delivery: add QTY units to on hand (a new SKU becomes known)", *a);
  OnParsed(receive, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, SkuQty(*a));
    return Invocation{"stock.receive", args, true, ShowView("received", args["qty"].get<int64_t>()), nullptr};
  });

  CLI::App* out_cmd = AddSkuQty(stock, "transfer-out",
                                "Send QTY units to another store: take them off on hand", *a);
  out_cmd->add_option("--to", a->store, "the receiving store's id, e.g. osaka-02")->type_name("STORE");
  OnParsed(out_cmd, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, SkuQty(*a));
    if (!a->store.empty()) {
      KURA_ASSIGN_OR_RETURN(args["to"], ParseId(a->store, "--to", ValidateStoreId));
    }
    return Invocation{"stock.transfer_out", args, true, ShowView("transferred out", args["qty"].get<int64_t>()), nullptr};
  });

  CLI::App* in_cmd = AddSkuQty(stock, "transfer-in",
                               "Book units arriving from another store: add them to on hand", *a);
  in_cmd->add_option("--from", a->store, "the sending store's id, e.g. osaka-02")->type_name("STORE");
  OnParsed(in_cmd, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, SkuQty(*a));
    if (!a->store.empty()) {
      KURA_ASSIGN_OR_RETURN(args["from"], ParseId(a->store, "--from", ValidateStoreId));
    }
    return Invocation{"stock.transfer_in", args, true, ShowView("transferred in", args["qty"].get<int64_t>()), nullptr};
  });

  CLI::App* count = stock->add_subcommand(
      "count", "Record a stocktake: set on hand to the COUNTED units (the difference is booked as "
               "an adjustment)");
  count->add_option("SKU", a->sku, "the SKU, e.g. TEE-M-BLK")->required()->type_name("");
  count->add_option("COUNTED", a->qty, "units found on the shelf, 0.." + std::to_string(kMaxQty))
      ->required()
      ->type_name("");
  OnParsed(count, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string sku, ParseId(a->sku, "SKU", ValidateSku));
    KURA_ASSIGN_OR_RETURN(int64_t counted, ParseCounted(a->qty, "COUNTED"));
    return Invocation{"stock.count", {{"sku", sku}, {"counted", counted}}, true,
                      [](const json& r, std::ostream& out) {
                        int64_t adj = r.at("adjustment").get<int64_t>();
                        out << "counted " << Cell(r.at("sku")) << ": adjustment "
                            << (adj > 0 ? "+" : "") << adj << "\n";
                        PrintStockTable(json::array({r}), out);
                      },
                      nullptr};
  });
}

void AddSaleAndReturn(CLI::App* stock, Plan* plan) {
  auto a = std::make_shared<StockArgs>();
  CLI::App* sell = AddSkuQty(stock, "sell",
                             "Record a till sale of QTY units and write a sale receipt to the journal. "
                             "Never refused for lack of stock, but refused (needs_override) when it would "
                             "take units promised to customers' holds or to online orders: the goods are in "
                             "the customer's hand, so staff confirm with --override",
                             *a);
  AddSaleOptions(sell, *a);
  sell->add_flag("--override", a->override_promised,
                 "staff confirm the sale although it takes promised units; the receipt is marked and HQ "
                 "lists an exception (till_override)");
  sell->footer("Example: kuractl stock sell TEE-M-BLK 2 --price 19.90 --customer c-1042");
  OnParsed(sell, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json line, SkuQty(*a));
    json args = json::object();
    KURA_RETURN_IF_ERROR(AddSaleExtras(*a, &line, &args));
    args["lines"] = json::array({line});
    if (a->override_promised) args["override"] = 1;
    return Invocation{"stock.sell", args, true,
                      [](const json& r, std::ostream& out) {
                        const json& receipt = r.at("receipt");
                        out << "sale recorded: receipt " << ReceiptName(receipt) << ", "
                            << FormatLines(receipt.at("lines")) << "\n";
                        PrintStockTable(r.at("stock"), out);
                      },
                      nullptr};
  });

  CLI::App* ret = AddSkuQty(stock, "return",
                            "Take back QTY units a customer returns: add them to on hand and write a "
                            "return receipt to the journal",
                            *a);
  AddSaleOptions(ret, *a);
  OnParsed(ret, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, SkuQty(*a));
    KURA_RETURN_IF_ERROR(AddSaleExtras(*a, &args, &args));
    return Invocation{"stock.return", args, true,
                      [](const json& r, std::ostream& out) {
                        out << "return recorded: receipt " << ReceiptName(r.at("receipt")) << "\n";
                        PrintStockTable(json::array({r.at("stock")}), out);
                      },
                      nullptr};
  });
}

}  // namespace

void AddStockCommands(CLI::App& app, Plan* plan) {
  CLI::App* stock = app.add_subcommand("stock", "Look at and move this store's stock");
  stock->require_subcommand(1);
  AddGetAndList(stock, plan);
  AddMoves(stock, plan);
  AddSaleAndReturn(stock, plan);
}

}  // namespace kura::ctl
