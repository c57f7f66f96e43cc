#include "project/answer_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include <fmt/format.h>

#include "core/codec/migration_codec.hpp"
#include "core/codec/raw_bytes.hpp"
#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/directory_reader.hpp"
#include "fs/file_io.hpp"
#include "fs/file_ops.hpp"
#include "fs/file_status.hpp"
#include "project/on_threads.hpp"

namespace migline {
namespace {

constexpr std::string_view kMagic = "MLANSWER";
// Bump when the layout changes.
constexpr std::uint32_t kFormat = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 4 + 8;

std::int64_t nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void append_string(std::string& out, std::string_view text) {
  append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

void append_stamp(std::string& out, const Stamp& s) {
  append_raw(out, s.dev);
  append_raw(out, s.ino);
  append_raw(out, s.size);
  append_raw(out, s.mtime_ns);
  append_raw(out, s.ctime_ns);
  append_raw(out, s.mode);
}

// Reads the body front to back; every read is bounds-checked and a short body fails.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool get(T& value) {
    if (bytes_.size() - at_ < sizeof value) return false;
    value = load_at<T>(bytes_, at_);
    at_ += sizeof value;
    return true;
  }
  bool get_string(std::string_view& text) {
    std::uint32_t size = 0;
    if (!get(size) || bytes_.size() - at_ < size) return false;
    text = bytes_.substr(at_, size);
    at_ += size;
    return true;
  }
  bool get_stamp(Stamp& s) {
    return get(s.dev) && get(s.ino) && get(s.size) && get(s.mtime_ns) && get(s.ctime_ns) &&
           get(s.mode);
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

// Refuses absurd counts before they size anything.
bool plausible(std::uint32_t count, std::size_t bytes_left) {
  return count <= bytes_left;
}

// Calls `stat(i)` for every i below `count` until one returns false; returns whether none did.
// Stats of a large work tree wait on the kernel, not on each other: a few threads share them.
template <typename Stat>
bool stat_all(std::size_t count, Stat&& stat) {
  constexpr std::size_t kPerThread = 4096;
  const std::size_t threads = std::clamp<std::size_t>(
      std::min<std::size_t>(count / kPerThread, std::thread::hardware_concurrency()), 1, 4);
  return on_threads(count, threads, stat);
}

// True when every path still has its stamp: the whole cost of a hit on a large work tree.
bool all_unchanged(const std::vector<std::pair<std::string, Stamp>>& watched) {
  return stat_all(watched.size(), [&](std::size_t i) {
    const std::optional<Stamp> now = stamp_of(watched[i].first);
    return now && *now == watched[i].second;
  });
}

}  // namespace

std::optional<Stamp> stamp_of(const std::string& path) {
  auto status = file_status(path);
  if (!status) return std::nullopt;
  return status->value_or(Stamp{});
}

std::string AnswerCache::file_of(std::string_view command_line) const {
  return fmt::format("{}/{:016x}", dir_, checksum64(command_line));
}

std::optional<Answer> AnswerCache::find(std::string_view command_line,
                                        std::string_view question) const {
  auto read = read_file(file_of(command_line));
  if (!read) return std::nullopt;
  const std::string_view bytes = *read;
  if (bytes.size() < kHeaderSize || bytes.substr(0, 8) != kMagic) return std::nullopt;
  const std::string_view body = bytes.substr(kHeaderSize);
  if (load_at<std::uint32_t>(bytes, 8) != kFormat ||
      load_at<std::uint64_t>(bytes, 16) != checksum64(body)) {
    return std::nullopt;
  }

  Reader in(body);
  std::string_view recorded_question;
  Answer answer;
  std::uint32_t chunks = 0;
  if (!in.get_string(recorded_question) || recorded_question != question ||
      !in.get(answer.status) || !in.get(chunks) || !plausible(chunks, body.size())) {
    return std::nullopt;
  }
  for (std::uint32_t i = 0; i < chunks; ++i) {
    std::uint8_t to_stderr = 0;
    std::string_view text;
    if (!in.get(to_stderr) || to_stderr > 1 || !in.get_string(text)) return std::nullopt;
    answer.output.push_back(OutputChunk{to_stderr == 1, std::string(text)});
  }
  std::uint32_t count = 0;
  if (!in.get(count) || !plausible(count, body.size())) return std::nullopt;
  std::vector<std::pair<std::string, Stamp>> watched(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t shared = 0;
    std::string_view rest;
    const std::string_view previous = i == 0 ? std::string_view() : watched[i - 1].first;
    if (!in.get(shared) || shared > previous.size() || !in.get_string(rest) ||
        !in.get_stamp(watched[i].second)) {
      return std::nullopt;
    }
    watched[i].first.reserve(shared + rest.size());
    watched[i].first.append(previous.substr(0, shared)).append(rest);
  }
  if (!in.done() || !all_unchanged(watched)) return std::nullopt;
  return answer;
}

std::string AnswerCache::store(std::string_view command_line, std::string_view question,
                               std::vector<std::string> watched, const Answer& answer,
                               const timespec& started) const {
  std::sort(watched.begin(), watched.end());
  watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
  const std::int64_t settled = nanoseconds(started) - kSettleNs;

  std::string body;
  append_string(body, question);
  append_raw<std::int32_t>(body, answer.status);
  append_raw<std::uint32_t>(body, static_cast<std::uint32_t>(answer.output.size()));
  for (const OutputChunk& chunk : answer.output) {
    append_raw<std::uint8_t>(body, chunk.to_stderr ? 1 : 0);
    append_string(body, chunk.text);
  }
  append_raw<std::uint32_t>(body, static_cast<std::uint32_t>(watched.size()));
  std::vector<std::optional<Stamp>> stamps(watched.size());
  stat_all(watched.size(), [&](std::size_t i) {
    stamps[i] = stamp_of(watched[i]);
    return true;
  });
  std::string_view previous;
  for (std::size_t i = 0; i < watched.size(); ++i) {
    const std::string& path = watched[i];
    const std::optional<Stamp>& stamp = stamps[i];
    if (!stamp) return fmt::format("cannot stat {}", path);
    if (stamp->ctime_ns >= settled || stamp->mtime_ns >= settled) {
      return fmt::format("{} changed too recently", path);
    }
    const std::size_t shared =
        std::mismatch(previous.begin(), previous.end(), path.begin(), path.end()).first -
        previous.begin();
    append_raw<std::uint32_t>(body, static_cast<std::uint32_t>(shared));
    append_string(body, std::string_view(path).substr(shared));
    append_stamp(body, *stamp);
    previous = path;
  }

  std::string out(kMagic);
  append_raw<std::uint32_t>(out, kFormat);
  append_raw<std::uint32_t>(out, 0);
  append_raw<std::uint64_t>(out, checksum64(body));
  out += body;
  // A directory that cannot be made shows as the write's failure just below.
  if (const std::string_view parent = path_dirname(dir_); !parent.empty()) {
    (void)make_directory(std::string(parent));
  }
  (void)make_directory(dir_);
  evict_oldest();
  if (auto written = write_file_atomic(file_of(command_line), out, Durability::Unsynced);
      !written) {
    return written.error();
  }
  return {};
}

void AnswerCache::evict_oldest() const {
  std::vector<std::pair<std::int64_t, std::string>> files;
  auto listed = read_directory(dir_, [&](const DirectoryEntry& entry) {
    if (entry.name.front() == '.') return;
    std::string path = fmt::format("{}/{}", dir_, entry.name);
    if (auto stamp = stamp_of(path); stamp && S_ISREG(stamp->mode)) {
      files.emplace_back(stamp->mtime_ns, std::move(path));
    }
  });
  if (!listed || files.size() < kMaxFiles) return;
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i + kMaxFiles <= files.size(); ++i) (void)remove_file(files[i].second);
}

}  // namespace migline
