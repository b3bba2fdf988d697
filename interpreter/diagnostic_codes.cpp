#include "interpreter/diagnostic_codes.hpp"

namespace rnn::interp {

const std::vector<CodeInfo>& all_codes() {
    static const std::vector<CodeInfo> table = {
#define RNN_INFO(name, id, summary) {Code::name, id, summary},
        RNN_DIAGNOSTIC_CODES(RNN_INFO)
#undef RNN_INFO
    };
    return table;
}

const CodeInfo& code_info(Code code) {
    return all_codes().at(static_cast<std::size_t>(code));
}

std::optional<Code> code_from_id(std::string_view id) {
    for (const auto& c : all_codes())
        if (c.id == id)
            return c.code;
    return std::nullopt;
}

}  // namespace rnn::interp
