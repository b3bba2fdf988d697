#include "interpreter/check/declared_task.hpp"

#include <algorithm>
#include <string>

namespace rnn::interp::checker {

void check_declared_task(Context& c, const ast::Statement& s, stdlib::TaskOrigin kind,
                         const std::vector<const ast::Field*>& fields, TaskDef& t) {
    switch (kind) {
        case stdlib::TaskOrigin::Paradigm:
            check_paradigm(c, s, fields, t);
            break;
        case stdlib::TaskOrigin::Arrays:
            check_array_task(c, s, fields, t);
            break;
        case stdlib::TaskOrigin::Stdlib:
            break;
    }
    t.entry = t.own_entry.get();
}

std::vector<const ast::Field*> last_of_each(const std::vector<const ast::Field*>& fields) {
    std::vector<const ast::Field*> out;
    for (const ast::Field* f : fields) {
        const auto same = std::find_if(out.begin(), out.end(),
                                       [&](const ast::Field* g) { return g->name == f->name; });
        if (same != out.end())
            *same = f;
        else
            out.push_back(f);
    }
    return out;
}

}  // namespace rnn::interp::checker
