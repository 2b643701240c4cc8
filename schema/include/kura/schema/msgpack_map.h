// KURA_MSGPACK_MAP(fields...): msgpack-c's MSGPACK_DEFINE_MAP, read faster. It writes the
// same bytes (a map from each field's name to its value, in declaration order) and matches
// a map's keys to fields by the same rules: keys must be strings, unknown keys are skipped,
// a missing field keeps its value, and of repeated keys the first wins.
//
// Why not MSGPACK_DEFINE_MAP itself: to read one value it copies every key of the map into
// a node of a fresh std::map<std::string, ...> and every field name into a temporary
// std::string to look it up, 4.6% of a 200-store kura-sim run (SCALE.md, eleventh stop).
// Here a field finds its key by comparing it with the map's few keys in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <utility>

#include <msgpack.hpp>

namespace kura::msgpack_map {

// The value of the first string key equal to `name` in `map`, or null. REQUIRES: `map`
// is a MAP. Also the sync messages' field lookup (sync/messages.cc).
inline const msgpack::object* Find(const msgpack::object& map, std::string_view name) {
  for (uint32_t i = 0; i < map.via.map.size; ++i) {
    const msgpack::object& key = map.via.map.ptr[i].key;
    if (key.type == msgpack::type::STR && std::string_view(key.via.str.ptr, key.via.str.size) == name) {
      return &map.via.map.ptr[i].val;
    }
  }
  return nullptr;
}

// Alternating names and fields, as MSGPACK_DEFINE_MAP_IMPL lists them.
template <typename... Args>
class Fields {
 public:
  explicit Fields(Args&... args) : names_and_fields_(args...) {}

  void Unpack(const msgpack::object& o) const {
    if (o.type != msgpack::type::MAP) throw msgpack::type_error();
    for (uint32_t i = 0; i < o.via.map.size; ++i) {
      if (o.via.map.ptr[i].key.type != msgpack::type::STR) throw msgpack::type_error();
    }
    UnpackEach(o, std::make_index_sequence<sizeof...(Args) / 2>());
  }

 private:
  template <std::size_t... I>
  void UnpackEach(const msgpack::object& o, std::index_sequence<I...>) const {
    (UnpackField(o, std::get<2 * I>(names_and_fields_), std::get<2 * I + 1>(names_and_fields_)), ...);
  }
  template <typename T>
  static void UnpackField(const msgpack::object& o, std::string_view name, T& field) {
    if (const msgpack::object* value = Find(o, name)) value->convert(field);
  }

  std::tuple<Args&...> names_and_fields_;
};

template <typename... Args>
Fields<Args...> MakeFields(Args&... args) {
  static_assert(sizeof...(Args) % 2 == 0, "names and fields alternate");
  return Fields<Args...>(args...);
}

}  // namespace kura::msgpack_map

#define KURA_MSGPACK_MAP(...)                                                                  \
  template <typename Packer>                                                                   \
  void msgpack_pack(Packer& msgpack_pk) const {                                                \
    msgpack::type::make_define_map MSGPACK_DEFINE_MAP_IMPL(__VA_ARGS__).msgpack_pack(msgpack_pk); \
  }                                                                                            \
  void msgpack_unpack(msgpack::object const& msgpack_o) {                                      \
    ::kura::msgpack_map::MakeFields MSGPACK_DEFINE_MAP_IMPL(__VA_ARGS__).Unpack(msgpack_o);    \
  }                                                                                            \
  template <typename MSGPACK_OBJECT>                                                           \
  void msgpack_object(MSGPACK_OBJECT* msgpack_o, msgpack::zone& msgpack_z) const {             \
    msgpack::type::make_define_map MSGPACK_DEFINE_MAP_IMPL(__VA_ARGS__)                        \
        .msgpack_object(msgpack_o, msgpack_z);                                                 \
  }
