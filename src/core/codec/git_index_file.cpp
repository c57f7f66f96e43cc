#include "core/codec/git_index_file.hpp"

#include <cstring>
#include <string>

namespace migline {
namespace {

// The layout is git's Documentation/gitformat-index.txt: big-endian fields, SHA-1 ids.
constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kIdSize = 20;
constexpr std::size_t kTrailerSize = kIdSize;  // the SHA-1 of everything before it
constexpr std::size_t kStatSize = 40;          // ctime, mtime, dev, ino, mode, uid, gid, size
constexpr std::size_t kFlagsAt = kStatSize + kIdSize;
constexpr std::uint16_t kExtendedFlag = 0x4000;
constexpr std::uint16_t kNameMask = 0x0fff;

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::uint16_t be16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

// Git's varint of format 4 (each continuation adds one, so no value has two encodings).
bool read_varint(const unsigned char*& p, const unsigned char* end, std::size_t& value) {
  if (p == end) return false;
  unsigned char c = *p++;
  value = c & 0x7f;
  while (c & 0x80) {
    if (p == end || value > (SIZE_MAX >> 8)) return false;
    c = *p++;
    value = ((value + 1) << 7) | (c & 0x7f);
  }
  return true;
}

}  // namespace

bool read_git_index_file(std::string_view bytes,
                         const std::function<void(const GitIndexEntry&)>& each) {
  if (bytes.size() < kHeaderSize + kTrailerSize || bytes.substr(0, 4) != "DIRC") return false;
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = begin + bytes.size() - kTrailerSize;
  const std::uint32_t version = be32(begin + 4);
  if (version < 2 || version > 4) return false;
  const std::uint32_t count = be32(begin + 8);
  const unsigned char* p = begin + kHeaderSize;
  std::string path;  // format 4 keeps the previous path to build the next one from
  GitIndexEntry entry;
  for (std::uint32_t i = 0; i < count; ++i) {
    const unsigned char* start = p;
    if (static_cast<std::size_t>(end - p) < kFlagsAt + 2) return false;
    entry.ctime_s = be32(p);
    entry.ctime_ns = be32(p + 4);
    entry.mtime_s = be32(p + 8);
    entry.mtime_ns = be32(p + 12);
    entry.ino = be32(p + 20);
    entry.mode = be32(p + 24);
    entry.size = be32(p + 36);
    std::memcpy(entry.id.data(), p + kStatSize, kIdSize);
    const std::uint16_t flags = be16(p + kFlagsAt);
    entry.stage = (flags >> 12) & 3;
    p += kFlagsAt + 2;
    if (flags & kExtendedFlag) {
      if (version < 3 || end - p < 2) return false;
      p += 2;
    }
    if (version == 4) {
      std::size_t strip = 0;
      if (!read_varint(p, end, strip) || strip > path.size()) return false;
      const auto* nul = static_cast<const unsigned char*>(std::memchr(p, 0, end - p));
      if (nul == nullptr) return false;
      path.resize(path.size() - strip);
      path.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(nul - p));
      p = nul + 1;
    } else {
      const auto* nul = static_cast<const unsigned char*>(std::memchr(p, 0, end - p));
      if (nul == nullptr) return false;
      path.assign(reinterpret_cast<const char*>(p), static_cast<std::size_t>(nul - p));
      // NUL padding up to a multiple of 8 bytes, at least one NUL.
      const auto length = static_cast<std::size_t>(nul + 1 - start);
      const std::size_t padded = (length + 7) & ~std::size_t{7};
      if (static_cast<std::size_t>(end - start) < padded) return false;
      p = start + padded;
    }
    const std::size_t name_length = flags & kNameMask;
    if (path.empty() || (name_length < kNameMask && name_length != path.size())) return false;
    entry.path = path;
    each(entry);
  }
  // Extensions: a signature, a size, the data. Optional ones (tree cache, resolve-undo, ...)
  // do not change what the entries say.
  while (p != end) {
    if (end - p < 8) return false;
    const std::string_view signature(reinterpret_cast<const char*>(p), 4);
    const std::uint32_t size = be32(p + 4);
    p += 8;
    if (static_cast<std::size_t>(end - p) < size) return false;
    // Not A-Z: one a reader must understand, such as a split index's `link` or a sparse
    // index's `sdir`.
    if (signature[0] < 'A' || signature[0] > 'Z') return false;
    p += size;
  }
  return true;
}

}  // namespace migline
