#pragma once
// Dead letters: a record that cannot be parsed or validated goes, unchanged, to
// "<topic>.dlq" with the reason and its origin in headers, so the line never stops and an
// operator can inspect and replay it.

#include <string>
#include <string_view>

#include "sevisflow/kafka/message.h"

namespace sevisflow::kafka {

inline constexpr char kErrorHeader[] = "sevisflow-error";
inline constexpr char kSourceHeader[] = "sevisflow-source";

// Same key and value bytes, the original headers, plus sevisflow-error = reason and
// sevisflow-source = "<topic>/<partition>/<offset>" (replacing those of an earlier dead-letter
// trip). `reason` is logged and stored: it must not contain personal data (say "birth date
// missing", not the date).
OutgoingMessage MakeDeadLetter(const Message& original, std::string_view reason);

// "<topic>/<partition>/<offset>" of a consumed record.
std::string SourceOf(const Message& message);

}  // namespace sevisflow::kafka
