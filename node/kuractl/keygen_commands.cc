// kuractl keygen: make the CURVE keypair of a sync link (DESIGN.md, "Security") for a store
// or HQ. Runs locally: no daemon is asked. Writes FILE (the keypair, mode 0600, the node's
// --key-file) and FILE.pub (the public key, for the other side: HQ's --store list, a
// store's --hq-key), and never overwrites either.
#include <filesystem>
#include <memory>

#include "commands.h"
#include "curve_keys.h"
#include "output.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

Exit KeyGen(const std::string& key_file, const Globals& globals, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& s) {
    PrintError(s.code_name(), s.message(), globals.json, out, err);
    return Exit::kDaemonError;
  };
  std::string public_file = key_file + ".pub";
  // Checked first so that a refusal leaves nothing behind; WriteKeyFile and
  // WritePublicKeyFile still create exclusively, so a file appearing meanwhile is not lost.
  for (const std::string& path : {key_file, public_file}) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
      return fail(Status::Conflict(path + " exists; not overwriting it (a keypair is a node's "
                                          "identity: choose another --out, or remove the old "
                                          "files deliberately)"));
    }
  }
  Result<CurveKeyPair> pair = GenerateCurveKeyPair();
  if (!pair.ok()) return fail(pair.status());
  if (Status s = WriteKeyFile(key_file, *pair); !s.ok()) return fail(s);
  if (Status s = WritePublicKeyFile(public_file, pair->public_z85); !s.ok()) {
    // Nobody has seen this keypair yet: drop it rather than leave it without its .pub.
    std::error_code ec;
    std::filesystem::remove(key_file, ec);
    return fail(s);
  }
  if (globals.json) {
    PrintJson({{"public_key", pair->public_z85}, {"key_file", key_file}, {"public_file", public_file}},
              out);
  } else {
    PrintFields({{"public key", pair->public_z85},
                 {"key file", key_file + " (secret, mode 0600: keep it on this machine)"},
                 {"public file", public_file + " (give it to the other side of the link)"}},
                out);
  }
  return Exit::kOk;
}

}  // namespace

void AddKeygenCommand(CLI::App& app, Plan* plan) {
  auto out = std::make_shared<std::string>();
  CLI::App* keygen = app.add_subcommand(
      "keygen", "Make a CURVE keypair for a sync link: FILE holds the keypair (mode 0600; the "
                "daemon's --key-file), FILE.pub the public key to give the other side (HQ's "
                "--store list, or a store's --hq-key). Needs no daemon; never overwrites");
  keygen->add_option("--out", *out, "the keypair file to create, e.g. /etc/kura/store.key")
      ->required()
      ->type_name("FILE");
  keygen->footer("Example: kuractl keygen --out /etc/kura/tokyo-01.key");
  OnParsed(keygen, plan, [out]() -> Result<Invocation> {
    if (out->empty()) return Status::InvalidArgument("--out: a file name is required");
    Invocation inv;
    std::string key_file = *out;
    inv.local = [key_file](const Globals& g, std::ostream& o, std::ostream& e) {
      return KeyGen(key_file, g, o, e);
    };
    return inv;
  });
}

}  // namespace kura::ctl
