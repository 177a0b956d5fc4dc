#pragma once
// The generators' PRNG: splitmix64, tiny, fast, and the same sequence on every platform (no std::
// distributions, whose output differs between standard libraries).
#include <array>
#include <cstddef>
#include <cstdint>

namespace sevisflow::sisgen {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A stream for item `index` of a generator seeded with `seed`: item i does not depend on the
  // items before it, so any item can be generated alone.
  static Rng For(uint64_t seed, uint64_t stream, uint64_t index) {
    Rng mix(seed ^ (stream * 0xD1B54A32D192ED03ULL));
    const uint64_t a = mix.Next();
    Rng item(a ^ (index * 0x9E3779B97F4A7C15ULL));
    item.Next();
    return item;
  }
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform-enough integer in [lo, hi] (modulo bias is irrelevant for test data).
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Between(1, 100) <= percent; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[static_cast<size_t>(Between(0, static_cast<int>(N) - 1))];
  }

 private:
  uint64_t state_;
};

}  // namespace sevisflow::sisgen
