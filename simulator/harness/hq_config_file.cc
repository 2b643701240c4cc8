#include "hq_config_file.h"

#include <cstdio>
#include <fstream>

namespace kura::harness {

Result<std::string> WriteHqConfig(const WorkDir& work, const CurveKeyPair& hq_keys,
                                  const std::vector<std::string>& ids, const std::vector<CurveKeyPair>& keys) {
  KURA_RETURN_IF_ERROR(WriteKeyFile(work.Sub("hq.key"), hq_keys));
  return WriteHqSettings(work, ids, keys);
}

Result<std::string> WriteHqSettings(const WorkDir& work, const std::vector<std::string>& ids,
                                    const std::vector<CurveKeyPair>& keys) {
  std::string path = work.Sub("kura-hq.toml"), fresh = path + ".new";
  std::ofstream out(fresh, std::ios::trunc);
  out << "key_file = \"" << work.Sub("hq.key") << "\"\n"
      << "sync = [\"tcp://127.0.0.1:*\"]\n"
      << "log_level = \"info\"\n\n[stores]\n";
  for (std::size_t i = 0; i < ids.size(); ++i) out << ids[i] << " = \"" << keys[i].public_z85 << "\"\n";
  out.close();
  if (!out || std::rename(fresh.c_str(), path.c_str()) != 0) return Status::IOError("cannot write " + path);
  return path;
}

}  // namespace kura::harness
