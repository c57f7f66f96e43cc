#include "core/hash_index.hpp"

namespace migline {

void HashIndex::insert(std::size_t hash, int id) {
  // At most half full, erased slots counted: probes stay short and always end.
  if ((used_ + 1) * 2 > slots_.size()) grow();
  std::size_t at = hash & mask_;
  while (slots_[at].id >= 0) at = (at + 1) & mask_;
  if (slots_[at].id == kEmpty) ++used_;
  slots_[at] = Slot{hash, id};
  ++size_;
}

void HashIndex::erase(std::size_t hash, int id) {
  if (slots_.empty()) return;
  for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
    Slot& slot = slots_[at];
    if (slot.id == kEmpty) return;
    if (slot.id == id) {
      slot.id = kErased;
      --size_;
      return;
    }
  }
}

void HashIndex::grow() {
  std::size_t capacity = 16;
  while (capacity < (size_ + 1) * 4) capacity *= 2;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  used_ = 0;
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.id >= 0) insert(slot.hash, slot.id);
  }
}

}  // namespace migline
