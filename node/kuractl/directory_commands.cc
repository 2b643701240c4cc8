// kuractl directory, kuractl store-status, kuractl hq directory ... and kuractl hq
// store-status: the live store directory (ops directory.list, store.status.set,
// hq.directory.set, hq.store_status.set).
#include <algorithm>
#include <memory>

#include "commands.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;
using A = Table::Align;

constexpr const char* kStatusHelp =
    "open, closed or no-handover (open, but not handing over orders today)";

// A text field, "-" when empty or absent.
std::string Text(const json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : std::string();
  return text.empty() ? "-" : text;
}

void PrintDirectory(const json& r, std::ostream& out) {
  const json& stores = r.at("stores");
  if (stores.empty()) {
    out << "no stores in the directory\n";
    return;
  }
  bool near = std::any_of(stores.begin(), stores.end(), [](const json& s) { return s.contains("distance_km"); });
  std::vector<Table::Column> columns = {{"STORE"}, {"NAME"}, {"STATUS"}, {"PICKUP"}, {"HANDS_OVER"}, {"HOURS"}};
  if (near) columns.push_back({"KM", A::kRight});
  columns.push_back({"NOTE"});
  Table table(columns);
  for (const json& s : stores) {
    std::vector<std::string> row = {Cell(s.at("store")), Cell(s.value("name", json())),
                                    Cell(s.at("status")), YesNo(s.value("pickup_enabled", json())),
                                    YesNo(s.at("can_hand_over")), Text(s.value("hours", json()))};
    if (near) row.push_back(FormatKm(s.value("distance_km", json())));
    row.push_back(Text(s.value("note", json())));
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintEntry(const json& e, std::ostream& out) {
  Fields fields = {{"store", Cell(e.at("store"))}};
  if (e.contains("name")) {
    fields.insert(fields.end(), {{"name", Cell(e.at("name"))},
                                 {"address", Text(e.at("address"))},
                                 {"position", Cell(e.at("lat")) + ", " + Cell(e.at("lon"))},
                                 {"hours", Text(e.at("hours"))},
                                 {"pickup", YesNo(e.at("pickup_enabled"))},
                                 {"record set by", Cell(e.at("record_by"))}});
  }
  fields.push_back({"status", Cell(e.at("status"))});
  if (e.contains("status_since_ms")) {
    fields.insert(fields.end(), {{"status since", FormatUtc(e.at("status_since_ms").get<int64_t>())},
                                 {"note", Text(e.at("note"))},
                                 {"status set by", Cell(e.at("status_by"))}});
  }
  fields.push_back({"hands over orders", YesNo(e.at("can_hand_over"))});
  PrintFields(fields, out);
}

// "open", "closed", "no-handover" (or "no_handover") -> the API's status name.
Result<std::string> ParseStatus(const std::string& text) {
  if (text == "open" || text == "closed") return text;
  if (text == "no-handover" || text == "no_handover") return std::string("no_handover");
  return Status::InvalidArgument("STATUS \"" + text + "\": must be " + kStatusHelp);
}

struct ListArgs {
  std::string near;
  bool can_hand_over = false;
};

// Adds --near and --can-hand-over to a list command and plans directory.list on `target`.
void AddList(CLI::App* cmd, Plan* plan, Target target) {
  auto a = std::make_shared<ListArgs>();
  cmd->add_option("--near", a->near, "order by distance from this point (degrees), nearest first")
      ->type_name("LAT,LON");
  cmd->add_flag("--can-hand-over", a->can_hand_over,
                "only stores that can hand over orders now (pickup enabled and open)");
  OnParsed(cmd, plan, [a, target]() -> Result<Invocation> {
    json args = json::object();
    if (!a->near.empty()) {
      KURA_ASSIGN_OR_RETURN(PointArg near, ParsePoint(a->near, "--near"));
      args["near"] = {{"lat", near.lat}, {"lon", near.lon}};
    }
    if (a->can_hand_over) args["can_hand_over"] = true;
    Invocation inv{"directory.list", args, false, PrintDirectory, nullptr};
    inv.target = target;
    return inv;
  });
}

struct StatusArgs {
  std::string store, status, note;
};

void AddStatusOptions(CLI::App* cmd, StatusArgs& a) {
  cmd->add_option("STATUS", a.status, kStatusHelp)->required()->type_name("");
  cmd->add_option("--note", a.note, "a short note for HQ and other stores (up to 140 bytes), e.g. "
                                    "\"stocktake until 14:00\"; omitted clears the note")
      ->type_name("TEXT");
}

Result<json> StatusRequest(const StatusArgs& a) {
  KURA_ASSIGN_OR_RETURN(std::string status, ParseStatus(a.status));
  json args = {{"status", status}};
  if (!a.note.empty()) args["note"] = a.note;
  return args;
}

struct RecordArgs {
  std::string store, name, address, lat, lon, hours;
  bool pickup = false, no_pickup = false;
};

Result<json> RecordRequest(const RecordArgs& a) {
  KURA_ASSIGN_OR_RETURN(std::string store, ParseId(a.store, "STORE", ValidateStoreId));
  json args = {{"store", store}};
  if (!a.name.empty()) args["name"] = a.name;
  if (!a.address.empty()) args["address"] = a.address;
  if (!a.hours.empty()) args["hours"] = a.hours;
  if (!a.lat.empty()) {
    KURA_ASSIGN_OR_RETURN(args["lat"], ParseDegrees(a.lat, "--lat", -90, 90));
  }
  if (!a.lon.empty()) {
    KURA_ASSIGN_OR_RETURN(args["lon"], ParseDegrees(a.lon, "--lon", -180, 180));
  }
  if (a.pickup && a.no_pickup) return Status::InvalidArgument("--pickup and --no-pickup: give one");
  if (a.pickup || a.no_pickup) args["pickup_enabled"] = a.pickup;
  if (args.size() == 1) {
    return Status::InvalidArgument("nothing to set: give at least one of --name, --address, --lat, "
                                   "--lon, --hours, --pickup, --no-pickup");
  }
  return args;
}

void AddHqDirectory(CLI::App* hq, Plan* plan) {
  CLI::App* directory = hq->add_subcommand("directory", "The store directory as HQ holds it");
  directory->require_subcommand(1);
  AddList(directory->add_subcommand(
              "list", "List every store: name, status, whether it takes and can hand over "
                      "click-and-collect orders, opening hours and note"),
          plan, Target::kHq);

  auto a = std::make_shared<RecordArgs>();
  CLI::App* set = directory->add_subcommand(
      "set", "Create or change a store's directory record; it reaches every store by sync. A new "
             "store needs --name, --lat and --lon; for an existing one, options not given keep "
             "their value");
  set->add_option("STORE", a->store, "the store id, e.g. shibuya-01")->required()->type_name("");
  set->add_option("--name", a->name, "the store's name as customers see it (1..80 bytes)")->type_name("TEXT");
  set->add_option("--address", a->address, "postal address (up to 200 bytes)")->type_name("TEXT");
  set->add_option("--lat", a->lat, "latitude in degrees, -90..90, e.g. 35.6595")->type_name("DEG");
  set->add_option("--lon", a->lon, "longitude in degrees, -180..180, e.g. 139.7005")->type_name("DEG");
  set->add_option("--hours", a->hours, "opening hours, e.g. \"Mo-Sa 09:00-20:00\" (printable ASCII, up to 64 bytes)")
      ->type_name("TEXT");
  set->add_flag("--pickup", a->pickup, "the store takes click-and-collect orders");
  set->add_flag("--no-pickup", a->no_pickup, "the store takes no click-and-collect orders (a new store's default)");
  OnParsed(set, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, RecordRequest(*a));
    return HqInvocation("hq.directory.set", args, true, PrintEntry);
  });
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, Plan* plan) {
  AddList(app.add_subcommand(
              "directory", "List every store in the chain's directory as this store last synced "
                           "it: name, status, whether it takes and can hand over "
                           "click-and-collect orders, opening hours and note"),
          plan, Target::kStore);

  auto own = std::make_shared<StatusArgs>();
  CLI::App* status = app.add_subcommand(
      "store-status", "Tell HQ and every store whether this store is open, closed, or open but not "
                      "handing over orders today. Online orders go only to stores that are open");
  AddStatusOptions(status, *own);
  OnParsed(status, plan, [own]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, StatusRequest(*own));
    return Invocation{"store.status.set", args, true, PrintEntry, nullptr};
  });
}

void AddHqDirectoryCommands(CLI::App* hq, Plan* plan) {
  AddHqDirectory(hq, plan);
  auto a = std::make_shared<StatusArgs>();
  CLI::App* status = hq->add_subcommand(
      "store-status", "Set a store's status for it (e.g. closed after a flood); the latest "
                      "setting, by HQ or the store, wins");
  status->add_option("STORE", a->store, "the store id, e.g. shibuya-01")->required()->type_name("");
  AddStatusOptions(status, *a);
  OnParsed(status, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string store, ParseId(a->store, "STORE", ValidateStoreId));
    KURA_ASSIGN_OR_RETURN(json args, StatusRequest(*a));
    args["store"] = store;
    return HqInvocation("hq.store_status.set", args, true, PrintEntry);
  });
}

}  // namespace kura::ctl
