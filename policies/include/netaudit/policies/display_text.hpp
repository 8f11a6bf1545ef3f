// Text that came from a config (or a file name) made safe to show to a person: on a terminal,
// in a CI page, and inside XML 1.0. Every human and XML output goes through this one function.
#pragma once

#include <string>
#include <string_view>

namespace netaudit {

// Replaces with '?' every character that a terminal could take as a control sequence or that
// XML 1.0 does not allow: C0 controls (CR and LF too, unless `keep_newlines` keeps LF), DEL,
// C1 controls (U+0080..U+009F, which some terminals read as CSI), the bidirectional overrides
// and isolates (which reorder what is shown), U+FFFE, U+FFFF, and every byte of an invalid
// UTF-8 sequence. A tab becomes a space. Everything else is kept as it is.
std::string display_text(std::string_view text, bool keep_newlines = false);

}  // namespace netaudit
