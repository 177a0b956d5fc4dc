#pragma once
// Large protobuf values kept in Redis (a person's snapshot, SEVIS Master rows) are stored
// zstd-compressed: about half the bytes per person (BENCHMARKS.md, measure 7). A packed value is
// one 0x00 byte followed by a zstd frame. A serialized protobuf message never starts with 0x00
// (no field has number 0), so a reader tells the two apart and values written before packing
// (plain protobuf) are still read as they are.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::redis {

// `bytes` (a serialized message) packed for storage; a value that packing would not make
// smaller (an empty or small one) is returned as it is.
std::string Pack(std::string_view bytes);

// The serialized message of a stored value: a packed value unpacked, anything else as it is.
// DataLoss when a packed value's frame is damaged.
absl::StatusOr<std::string> Unpack(std::string_view stored);

}  // namespace sevisflow::redis
