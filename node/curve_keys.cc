#include "curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>
#include <zmq.h>

namespace kura {
namespace {

// A key file is a few lines; anything bigger is not one and is not read into memory.
constexpr std::uintmax_t kMaxKeyFileBytes = 4096;

std::string Errno(int err) { return std::strerror(err); }

// Creates `path` exclusively with `mode`, writes `text` and syncs file and directory, so a
// key reported written survives a power cut. A partly written file is removed.
Status CreateFileExclusive(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) return Status::Conflict("key file " + path + " exists; not overwriting it");
    return Status::IOError("cannot create key file " + path + ": " + Errno(err));
  }
  std::size_t done = 0;
  int err = 0;
  while (done < text.size() && err == 0) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno != EINTR) err = errno;
    if (n > 0) done += static_cast<std::size_t>(n);
  }
  // The umask may only remove bits; fchmod makes the mode exact whatever it is.
  if (err == 0 && ::fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err != 0) {
    ::unlink(path.c_str());
    return Status::IOError("cannot write key file " + path + ": " + Errno(err));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

// Parses a key file into `table`, refusing keys other than "public" and "secret".
Status ParseKeyFile(const std::string& path, toml::table* table) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec == std::errc::no_such_file_or_directory) {
    return Status::NotFound("key file " + path + " does not exist");
  }
  if (ec) return Status::IOError("cannot read key file " + path + ": " + ec.message());
  if (size > kMaxKeyFileBytes) {
    return Status::Corruption("key file " + path + " is " + std::to_string(size) +
                              " bytes; not a key file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return Status::IOError("cannot read key file " + path + ": " + std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::IOError("cannot read key file " + path);
  try {
    *table = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    return Status::Corruption("key file " + path + " is not valid TOML: " +
                              std::string(e.description()));
  }
  for (const auto& [key, value] : *table) {
    if (key.str() != "public" && key.str() != "secret") {
      return Status::Corruption("key file " + path + ": unknown key " + std::string(key.str()));
    }
  }
  return Status::Ok();
}

// The string under `key`, or Corruption naming the file when it is missing or not a string.
Result<std::string> TakeKey(const toml::table& table, const std::string& path, const char* key) {
  if (!table.contains(key)) return Status::Corruption("key file " + path + " has no " + key + " key");
  auto value = table[key].value<std::string>();
  if (!value) return Status::Corruption("key file " + path + ": " + key + " must be a string");
  return *value;
}

}  // namespace

Result<CurveKeyPair> GenerateCurveKeyPair() {
  char public_z85[kCurveKeyZ85Chars + 1];
  char secret_z85[kCurveKeyZ85Chars + 1];
  if (zmq_curve_keypair(public_z85, secret_z85) != 0) {
    return Status::Unsupported(std::string("cannot generate a CURVE keypair: ") +
                               zmq_strerror(zmq_errno()));
  }
  CurveKeyPair pair{public_z85, secret_z85};
  std::memset(secret_z85, 0, sizeof(secret_z85));
  return pair;
}

Result<std::string> DecodeCurveKey(std::string_view z85, std::string_view what) {
  if (z85.size() != kCurveKeyZ85Chars) {
    return Status::InvalidArgument(std::string(what) + " must be " +
                                   std::to_string(kCurveKeyZ85Chars) + " Z85 characters, got " +
                                   std::to_string(z85.size()));
  }
  std::string text(z85);  // zmq_z85_decode wants a NUL-terminated string
  std::string key(kCurveKeyBytes, '\0');
  if (zmq_z85_decode(reinterpret_cast<uint8_t*>(key.data()), text.c_str()) == nullptr) {
    return Status::InvalidArgument(std::string(what) + " is not valid Z85");
  }
  return key;
}

Status ValidatePublicKey(std::string_view public_z85, std::string_view what) {
  KURA_RETURN_IF_ERROR(DecodeCurveKey(public_z85, what).status());
  return RefusePublishedKey(public_z85, what);
}

std::string EncodeCurveKey(std::string_view key) {
  char z85[kCurveKeyZ85Chars + 1];
  zmq_z85_encode(z85, reinterpret_cast<const uint8_t*>(key.data()), kCurveKeyBytes);
  return z85;
}

Status RefusePublishedKey(std::string_view public_z85, std::string_view what) {
  // zmq_curve(7)'s client and server keypairs, copied into countless examples.
  static constexpr std::string_view kPublished[] = {"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
                                                    "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"};
  for (std::string_view published : kPublished) {
    if (public_z85 == published) {
      return Status::InvalidArgument(std::string(what) +
                                     " is ZeroMQ's published example key, whose secret anyone "
                                     "has: make one with kuractl keygen");
    }
  }
  return Status::Ok();
}

Status ValidateKeyPair(const CurveKeyPair& pair) {
  KURA_RETURN_IF_ERROR(DecodeCurveKey(pair.public_z85, "public key").status());
  KURA_RETURN_IF_ERROR(DecodeCurveKey(pair.secret_z85, "secret key").status());
  char derived[kCurveKeyZ85Chars + 1];
  if (zmq_curve_public(derived, pair.secret_z85.c_str()) != 0) {
    return Status::Unsupported(std::string("cannot derive a CURVE public key: ") +
                               zmq_strerror(zmq_errno()));
  }
  if (pair.public_z85 != derived) {
    return Status::InvalidArgument("public key does not match the secret key");
  }
  return RefusePublishedKey(pair.public_z85, "the keypair");
}

std::string KeyForLog(std::string_view public_z85) {
  return std::string(public_z85.substr(0, 8));
}

Status WriteKeyFile(const std::string& path, const CurveKeyPair& pair) {
  KURA_RETURN_IF_ERROR(ValidateKeyPair(pair));
  // Z85 has neither '"' nor '\', so the keys need no TOML escaping.
  std::string text =
      "# kura CURVE keypair. Whoever holds this file can speak as this node: keep it 0600.\n"
      "public = \"" + pair.public_z85 + "\"\n"
      "secret = \"" + pair.secret_z85 + "\"\n";
  return CreateFileExclusive(path, text, 0600);
}

Status WritePublicKeyFile(const std::string& path, const std::string& public_z85) {
  KURA_RETURN_IF_ERROR(DecodeCurveKey(public_z85, "public key").status());
  std::string text = "# kura CURVE public key.\npublic = \"" + public_z85 + "\"\n";
  return CreateFileExclusive(path, text, 0644);
}

Result<CurveKeyPair> ReadKeyFile(const std::string& path) {
  toml::table table;
  KURA_RETURN_IF_ERROR(ParseKeyFile(path, &table));
  CurveKeyPair pair;
  KURA_ASSIGN_OR_RETURN(pair.public_z85, TakeKey(table, path, "public"));
  KURA_ASSIGN_OR_RETURN(pair.secret_z85, TakeKey(table, path, "secret"));
  Status valid = ValidateKeyPair(pair);
  if (!valid.ok()) return Status::Corruption("key file " + path + ": " + valid.message());
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    spdlog::warn("event=key_file_mode path={} mode={:o} hint=\"chmod 600\"", path,
                 st.st_mode & 0777);
  }
  return pair;
}

Result<std::string> ReadPublicKey(const std::string& path) {
  toml::table table;
  KURA_RETURN_IF_ERROR(ParseKeyFile(path, &table));
  if (table.contains("secret")) {
    KURA_ASSIGN_OR_RETURN(auto pair, ReadKeyFile(path));
    return pair.public_z85;
  }
  KURA_ASSIGN_OR_RETURN(auto public_z85, TakeKey(table, path, "public"));
  Status valid = DecodeCurveKey(public_z85, "public key").status();
  if (!valid.ok()) return Status::Corruption("key file " + path + ": " + valid.message());
  return public_z85;
}

}  // namespace kura
