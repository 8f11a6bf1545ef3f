// store::unified_diff: a line diff in `diff -u` format. Lines are interned to integers, the
// common head and tail trimmed, and the middle compared with Myers' O(ND) algorithm in its
// linear-space form (bisect on the middle snake, recurse on both halves), as in
// diff-match-patch's bisect. Memory is linear in the number of lines. A cap on the edit
// distance searched per bisect keeps a total rewrite of a long config from costing O(N^2): past
// it the split is the furthest forward point, so the diff stays correct but may be a little
// longer than the shortest.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace netaudit::store {

namespace {

constexpr int context_lines = 3;
constexpr int max_edit_steps = 4096;  // per bisect, as GNU diff's minimum TOO_EXPENSIVE

struct Lines {
  std::vector<std::string_view> text;  // without the "\n"
  bool last_has_newline = true;        // false when the text does not end with "\n"
};

Lines split_lines(std::string_view text) {
  Lines lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.text.push_back(text.substr(start));
      lines.last_has_newline = false;
      break;
    }
    lines.text.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Maps each line to a small integer, equal lines to equal integers. A last line without its
// newline differs from the same text with one (as in diff -u).
class Interner {
 public:
  std::vector<int> intern(const Lines& lines) {
    std::vector<int> ids;
    ids.reserve(lines.text.size());
    for (std::size_t i = 0; i < lines.text.size(); ++i) {
      const bool unterminated = !lines.last_has_newline && i + 1 == lines.text.size();
      auto& table = unterminated ? unterminated_ : terminated_;
      const auto [it, added] = table.try_emplace(lines.text[i], next_id_);
      if (added) ++next_id_;
      ids.push_back(it->second);
    }
    return ids;
  }

 private:
  std::unordered_map<std::string_view, int> terminated_, unterminated_;
  int next_id_ = 0;
};

class Differ {
 public:
  Differ(const std::vector<int>& a, const std::vector<int>& b)
      : a_(a), b_(b), deleted_(a.size(), false), inserted_(b.size(), false) {}

  void run() { compare(0, static_cast<int>(a_.size()), 0, static_cast<int>(b_.size())); }
  const std::vector<bool>& deleted() const { return deleted_; }
  const std::vector<bool>& inserted() const { return inserted_; }

 private:
  void compare(int a0, int a1, int b0, int b1) {
    while (a0 < a1 && b0 < b1 && a_[a0] == b_[b0])
      ++a0, ++b0;
    while (a0 < a1 && b0 < b1 && a_[a1 - 1] == b_[b1 - 1])
      --a1, --b1;
    if (a0 == a1 || b0 == b1) {
      for (int i = a0; i < a1; ++i)
        deleted_[i] = true;
      for (int j = b0; j < b1; ++j)
        inserted_[j] = true;
      return;
    }
    const auto split = bisect(a0, a1, b0, b1);
    if (!split) {  // nothing in common
      for (int i = a0; i < a1; ++i)
        deleted_[i] = true;
      for (int j = b0; j < b1; ++j)
        inserted_[j] = true;
      return;
    }
    compare(a0, a0 + split->first, b0, b0 + split->second);
    compare(a0 + split->first, a1, b0 + split->second, b1);
  }

  // A point (x, y) relative to (a0, b0) on a shortest (or, past the cap, a good) edit path,
  // strictly inside the rectangle so both halves are smaller; nullopt when none is found.
  std::optional<std::pair<int, int>> bisect(int a0, int a1, int b0, int b1) const {
    const int n = a1 - a0, m = b1 - b0;
    const int max_d = (n + m + 1) / 2;
    const int offset = max_d;
    const int length = 2 * max_d + 2;
    std::vector<int> forward(length, -1), backward(length, -1);
    forward[offset + 1] = 0;
    backward[offset + 1] = 0;
    const int delta = n - m;
    const bool front = (delta % 2) != 0;  // the paths meet on a forward step
    int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    const int steps = std::min(max_d, max_edit_steps);
    for (int d = 0; d < steps; ++d) {
      for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
        const int i1 = offset + k1;
        int x1 = (k1 == -d || (k1 != d && forward[i1 - 1] < forward[i1 + 1])) ? forward[i1 + 1]
                                                                              : forward[i1 - 1] + 1;
        int y1 = x1 - k1;
        while (x1 < n && y1 < m && a_[a0 + x1] == b_[b0 + y1])
          ++x1, ++y1;
        forward[i1] = x1;
        if (x1 > n) {
          k1end += 2;  // ran off the right
        } else if (y1 > m) {
          k1start += 2;  // ran off the bottom
        } else if (front) {
          const int i2 = offset + delta - k1;
          if (i2 >= 0 && i2 < length && backward[i2] != -1 && x1 >= n - backward[i2]) {
            return std::pair{x1, y1};
          }
        }
      }
      for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
        const int i2 = offset + k2;
        int x2 = (k2 == -d || (k2 != d && backward[i2 - 1] < backward[i2 + 1]))
                     ? backward[i2 + 1]
                     : backward[i2 - 1] + 1;
        int y2 = x2 - k2;
        while (x2 < n && y2 < m && a_[a1 - x2 - 1] == b_[b1 - y2 - 1])
          ++x2, ++y2;
        backward[i2] = x2;
        if (x2 > n) {
          k2end += 2;
        } else if (y2 > m) {
          k2start += 2;
        } else if (!front) {
          const int i1 = offset + delta - k2;
          if (i1 >= 0 && i1 < length && forward[i1] != -1) {
            const int x1 = forward[i1];
            const int y1 = offset + x1 - i1;
            if (x1 >= n - x2) return std::pair{x1, y1};
          }
        }
      }
    }
    if (steps == max_d) return std::nullopt;
    // Too expensive: split at the forward point that got furthest (largest x + y).
    int best_x = -1, best_y = -1;
    for (int k1 = -steps + 1; k1 <= steps - 1; ++k1) {
      const int x1 = forward[offset + k1];
      const int y1 = x1 - k1;
      if (x1 < 0 || x1 > n || y1 < 0 || y1 > m) continue;
      if (x1 + y1 > best_x + best_y) best_x = x1, best_y = y1;
    }
    if (best_x < 0 || (best_x == 0 && best_y == 0) || (best_x == n && best_y == m)) {
      return std::nullopt;
    }
    return std::pair{best_x, best_y};
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  std::vector<bool> deleted_, inserted_;
};

enum class Op : std::uint8_t { equal, remove, add };

// diff -u's range: "start,count", "start" when count is 1, and the line before when empty.
void append_range(std::string& out, std::size_t start, std::size_t count) {
  if (count == 0) {
    out += std::to_string(start) + ",0";
  } else if (count == 1) {
    out += std::to_string(start + 1);
  } else {
    out += std::to_string(start + 1) + "," + std::to_string(count);
  }
}

void append_line(std::string& out, char prefix, const Lines& lines, std::size_t index) {
  out += prefix;
  out += lines.text[index];
  out += '\n';
  if (index + 1 == lines.text.size() && !lines.last_has_newline) {
    out += "\\ No newline at end of file\n";
  }
}

}  // namespace

std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_label,
                         std::string_view to_label) {
  if (from == to) return {};
  const Lines a = split_lines(from), b = split_lines(to);
  Interner interner;
  const std::vector<int> a_ids = interner.intern(a);
  const std::vector<int> b_ids = interner.intern(b);
  Differ differ(a_ids, b_ids);
  differ.run();

  // The edit script: per step, the operation and the line index in a (equal, remove) or b (add).
  struct Step {
    Op op;
    std::size_t a_index, b_index;  // the position in both files when this step starts
  };
  std::vector<Step> script;
  script.reserve(a.text.size() + b.text.size());
  {
    std::size_t i = 0, j = 0;
    while (i < a.text.size() || j < b.text.size()) {
      if (i < a.text.size() && differ.deleted()[i]) {
        script.push_back({Op::remove, i, j});
        ++i;
      } else if (j < b.text.size() && differ.inserted()[j]) {
        script.push_back({Op::add, i, j});
        ++j;
      } else {
        script.push_back({Op::equal, i, j});
        ++i, ++j;
      }
    }
  }

  std::string out;
  out += "--- ";
  out += from_label;
  out += "\n+++ ";
  out += to_label;
  out += '\n';

  const std::size_t total = script.size();
  std::size_t next = 0;
  while (next < total) {
    // The next change, and the hunk around it: changes closer than 2 * context share a hunk.
    std::size_t first_change = next;
    while (first_change < total && script[first_change].op == Op::equal)
      ++first_change;
    if (first_change == total) break;
    std::size_t last_change = first_change;  // one past the last change of the hunk
    std::size_t scan = first_change;
    while (scan < total) {
      if (script[scan].op != Op::equal) {
        last_change = ++scan;
        continue;
      }
      std::size_t gap_end = scan;
      while (gap_end < total && script[gap_end].op == Op::equal)
        ++gap_end;
      if (gap_end == total || gap_end - scan > 2 * context_lines) break;
      scan = gap_end;
    }
    const std::size_t begin =
        first_change >= next + context_lines ? first_change - context_lines : next;
    const std::size_t end = std::min(total, last_change + context_lines);

    std::size_t a_count = 0, b_count = 0;
    for (std::size_t s = begin; s < end; ++s) {
      if (script[s].op != Op::add) ++a_count;
      if (script[s].op != Op::remove) ++b_count;
    }
    out += "@@ -";
    append_range(out, script[begin].a_index, a_count);
    out += " +";
    append_range(out, script[begin].b_index, b_count);
    out += " @@\n";

    std::size_t s = begin;
    while (s < end) {
      if (script[s].op == Op::equal) {
        append_line(out, ' ', a, script[s].a_index);
        ++s;
        continue;
      }
      // One run of changes: every removed line first, then every added one (as diff -u).
      std::size_t run_end = s;
      while (run_end < end && script[run_end].op != Op::equal)
        ++run_end;
      for (std::size_t r = s; r < run_end; ++r) {
        if (script[r].op == Op::remove) append_line(out, '-', a, script[r].a_index);
      }
      for (std::size_t r = s; r < run_end; ++r) {
        if (script[r].op == Op::add) append_line(out, '+', b, script[r].b_index);
      }
      s = run_end;
    }
    next = end;
  }
  return out;
}

}  // namespace netaudit::store
