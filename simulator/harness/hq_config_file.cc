#include "hq_config_file.h"

#include <fstream>

namespace kura::harness {

Result<std::string> WriteHqConfig(const WorkDir& work, const CurveKeyPair& hq_keys,
                                  const std::vector<std::string>& ids, const std::vector<CurveKeyPair>& keys) {
  KURA_RETURN_IF_ERROR(WriteKeyFile(work.Sub("hq.key"), hq_keys));
  std::string path = work.Sub("kura-hq.toml");
  std::ofstream out(path);
  out << "key_file = \"" << work.Sub("hq.key") << "\"\n"
      << "sync = [\"tcp://127.0.0.1:*\"]\n"
      << "log_level = \"info\"\n\n[stores]\n";
  for (std::size_t i = 0; i < ids.size(); ++i) out << ids[i] << " = \"" << keys[i].public_z85 << "\"\n";
  out.close();
  if (!out) return Status::IOError("cannot write " + path);
  return path;
}

}  // namespace kura::harness
