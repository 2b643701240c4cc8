// CURVE keys for the sync link (DESIGN.md, "Security"): every store and HQ has a keypair;
// HQ lets in the stores whose public keys are on its allow-list. Keys travel as Z85 text
// (40 characters for 32 bytes), as ZeroMQ's socket options take them.
//
// Key file format (TOML, UTF-8):
//   keypair file  = public-line secret-line   ; mode 0600, never overwritten
//   public file   = public-line               ; a ".pub" handed to the other side
//   public-line   = 'public = "' z85-key '"'
//   secret-line   = 'secret = "' z85-key '"'
//   z85-key       = 40 * Z85 character        ; ZMQ RFC 32; has no '"' or '\'
// Comments and blank lines are allowed; any other key is an error, so a typo is caught.
//
// Free functions, no shared state: thread-safe. Secret keys are never logged; log at most
// KeyForLog(public key).
#pragma once

#include <string>
#include <string_view>

#include "kura/schema/status.h"

namespace kura {

inline constexpr std::size_t kCurveKeyBytes = 32;
inline constexpr std::size_t kCurveKeyZ85Chars = 40;

struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;  // never log it
};

// A fresh keypair from libzmq (libsodium). Unsupported when libzmq was built without CURVE.
Result<CurveKeyPair> GenerateCurveKeyPair();

// The 32 key bytes of a Z85 key; InvalidArgument naming `what` ("public key", ...) when it
// is not 40 valid Z85 characters.
Result<std::string> DecodeCurveKey(std::string_view z85, std::string_view what);
// The Z85 text of 32 key bytes. REQUIRES: key.size() == kCurveKeyBytes.
std::string EncodeCurveKey(std::string_view key);
// InvalidArgument naming `what` when `public_z85` is one of the keypairs ZeroMQ's
// documentation and examples publish (zmq_curve(7)): its secret is known to anyone, so it
// authenticates nobody.
Status RefusePublishedKey(std::string_view public_z85, std::string_view what);
// Ok when `public_z85` is a well-formed key (DecodeCurveKey) and not a published one
// (RefusePublishedKey); otherwise their InvalidArgument, naming `what`.
Status ValidatePublicKey(std::string_view public_z85, std::string_view what);
// Ok when both keys are well formed, the public key is the one of the secret key, and the
// pair is not a published one (RefusePublishedKey).
Status ValidateKeyPair(const CurveKeyPair& pair);
// What logs may show of a public key: its first 8 characters.
std::string KeyForLog(std::string_view public_z85);

// Creates `path` with mode 0600 holding the keypair and syncs it. Conflict when the file
// exists (a keypair is an identity: replacing it by accident locks the node out); IOError
// on any file system failure; InvalidArgument if the pair does not validate.
Status WriteKeyFile(const std::string& path, const CurveKeyPair& pair);
// Creates `path` with mode 0644 holding only the public key. Conflict when it exists.
Status WritePublicKeyFile(const std::string& path, const std::string& public_z85);

// Reads and validates a keypair file. NotFound when missing, IOError when unreadable,
// Corruption (naming the file and the problem) when it is not a valid keypair.
Result<CurveKeyPair> ReadKeyFile(const std::string& path);
// Reads the public key from a public file or a keypair file (the pair is then validated).
Result<std::string> ReadPublicKey(const std::string& path);

}  // namespace kura
