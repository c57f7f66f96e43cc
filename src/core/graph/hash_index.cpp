#include "core/graph/hash_index.hpp"

namespace migline {
namespace {

// At most half full, erased slots counted: probes stay short and always end.
std::size_t capacity_for(std::size_t count) {
  std::size_t capacity = 16;
  while (capacity < count * 2 + 2) capacity *= 2;
  return capacity;
}

}  // namespace

void HashIndex::insert(std::size_t hash, int id) {
  if ((used_ + 1) * 2 > slots_.size()) rehash(capacity_for((size_ + 1) * 2));
  place(fold(hash), id);
}

void HashIndex::place(std::uint32_t folded, int id) {
  std::size_t at = folded & mask_;
  while (slots_[at].id >= 0) at = (at + 1) & mask_;
  if (slots_[at].id == kEmpty) ++used_;
  slots_[at] = Slot{folded, id};
  ++size_;
}

void HashIndex::erase(std::size_t hash, int id) {
  if (slots_.empty()) return;
  for (std::size_t at = fold(hash) & mask_;; at = (at + 1) & mask_) {
    Slot& slot = slots_[at];
    if (slot.id == kEmpty) return;
    if (slot.id == id) {
      slot.id = kErased;
      --size_;
      return;
    }
  }
}

void HashIndex::reserve(std::size_t count) {
  if (capacity_for(count) > slots_.size()) rehash(capacity_for(count));
}

void HashIndex::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  used_ = 0;
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.id >= 0) place(slot.hash, slot.id);
  }
}

}  // namespace migline
