#include "sevisflow/kafka/message.h"

namespace sevisflow::kafka {

std::optional<std::string> FindHeader(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

}  // namespace sevisflow::kafka
