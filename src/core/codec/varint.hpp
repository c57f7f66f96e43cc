#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace migline {

// Writes unsigned LEB128 varints and length-prefixed strings, for the byte encodings under
// .git/migline (the parse cache's records, the write journal).
class VarintWriter {
 public:
  // Appends `value` in 7-bit groups, low first: small numbers take one byte.
  void number(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  // Appends the length of `value`, then its bytes.
  void text(std::string_view value) {
    number(value.size());
    out_ += value;
  }
  // What was written so far.
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads what a VarintWriter wrote. Any overrun or out-of-range value fails it for good: every
// later read returns zero or empty, and ok() is false.
class VarintReader {
 public:
  explicit VarintReader(std::string_view in) : in_(in) {}
  // False once a read failed.
  bool ok() const { return ok_; }
  // True when every byte was read.
  bool at_end() const { return pos_ == in_.size(); }

  // One varint of at most 64 bits.
  std::uint64_t number() {
    std::uint64_t value = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      if (pos_ >= in_.size()) break;
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return fail();
  }
  // A number no larger than `max`.
  std::uint64_t at_most(std::uint64_t max) {
    const std::uint64_t value = number();
    return value > max ? fail() : value;
  }
  // A count of items that each take at least one byte, so it cannot exceed what is left.
  std::size_t count() { return static_cast<std::size_t>(at_most(in_.size() - pos_)); }
  // A string written by VarintWriter::text.
  std::string text() {
    const std::size_t size = count();
    if (!ok_) return {};
    std::string out(in_.substr(pos_, size));
    pos_ += size;
    return out;
  }
  // Fails the reader for good; returns 0 for the convenience of callers.
  std::uint64_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace migline
