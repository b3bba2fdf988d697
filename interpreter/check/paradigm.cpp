// `task NAME = paradigm { ... }`: a task written in the language (docs/tasks.md, "Writing
// your own task"). Its sections (variables, periods, inputs) are bare blocks, its target a
// call; a variant may change what its base declares, name by name. Everything compiles into
// a stdlib::ParadigmSpec (paradigm_expressions.cpp checks each expression), from which the
// definition's own entry is made.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "interpreter/check/declared_task.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/paradigm_expressions.hpp"
#include "interpreter/check/value.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

const std::vector<std::string>& paradigm_fields() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& p : stdlib::paradigm_entry().schema.params)
            out.push_back(p.name);
        return out;
    }();
    return names;
}

bool is_section(const std::string& name) {
    return name == "variables" || name == "periods" || name == "inputs";
}

// What a paradigm declares, after its variants' changes.
struct Declaration {
    std::map<std::string, std::vector<const ast::Field*>> sections;
    const ast::Field* target = nullptr;
    const ast::Field* response = nullptr;
    const ast::Field* outputs = nullptr;
};

// The fields of a section: the first block declares them in order; a later block (a
// variant's) replaces them by name and may add none.
bool merge_section(Context& c, const ast::Field& f, std::vector<const ast::Field*>& section) {
    if (f.kind != ast::Field::Kind::Assign || f.value->kind != K::BlockCall
        || !f.value->text.empty()) {
        c.diags.error(Code::WrongType, f.kind == ast::Field::Kind::Assign ? f.value->span : f.span,
                      fmt::format("'{}' is a block of declarations: {} = {{ name = value ... }}",
                                  f.name, f.name));
        return false;
    }
    const bool declared = !section.empty();
    std::set<std::string> here;
    bool ok = true;
    for (const auto& sub : f.value->fields) {
        if (sub.kind != ast::Field::Kind::Assign) {
            c.diags.error(Code::ExpectedFieldOperator, sub.name_span,
                          fmt::format("'{}' of {} is declared with '=': {} = ...", sub.name, f.name,
                                      sub.name));
            ok = false;
            continue;
        }
        if (!here.insert(sub.name).second) {
            c.diags.error(Code::GivenTwice, sub.name_span,
                          fmt::format("'{}' is declared twice in {}", sub.name, f.name));
            ok = false;
            continue;
        }
        const auto same = std::find_if(section.begin(), section.end(),
                                       [&](const ast::Field* g) { return g->name == sub.name; });
        if (same != section.end()) {
            *same = &sub;
        } else if (declared) {
            std::vector<std::string> names;
            for (const auto* g : section)
                names.push_back(g->name);
            c.diags.error(Code::VariantAdds, sub.name_span,
                          fmt::format("the base task declares no '{}' in its {}", sub.name, f.name),
                          suggestion(sub.name, names));
            ok = false;
        } else {
            section.push_back(&sub);
        }
    }
    return ok;
}

std::optional<Declaration> declaration(Context& c, const std::vector<const ast::Field*>& fields) {
    Declaration d;
    bool ok = true;
    for (const ast::Field* f : fields) {
        if (is_section(f->name))
            ok = merge_section(c, *f, d.sections[f->name]) && ok;
        else if (f->name == "target")
            d.target = f;
        else if (f->name == "response")
            d.response = f;
        else if (f->name == "outputs")
            d.outputs = f;
    }
    return ok ? std::optional<Declaration>(std::move(d)) : std::nullopt;
}

std::vector<std::string> field_names(const std::vector<const ast::Field*>& fields) {
    std::vector<std::string> out;
    for (const auto* f : fields)
        out.push_back(f->name);
    return out;
}

// Whether an expression names one of `names` anywhere.
bool mentions(const Expr& e, const std::vector<std::string>& names) {
    if (e.kind == K::Name && std::find(names.begin(), names.end(), e.text) != names.end())
        return true;
    return std::any_of(e.items.begin(), e.items.end(),
                       [&](const ast::ExprPtr& i) { return i && mentions(*i, names); });
}

class ParadigmChecker {
public:
    ParadigmChecker(Context& c, const Declaration& d, double dt_ms)
        : c_(c)
        , d_(d)
        , dt_ms_(dt_ms)
        , spec_(std::make_shared<stdlib::ParadigmSpec>())
        , compile_(c, *spec_, dt_ms) {}

    std::shared_ptr<stdlib::ParadigmSpec> run() {
        const auto& periods = section("periods");
        compile_.set_period_names(field_names(periods));
        compile_.set_variable_names(field_names(section("variables")));
        bool ok = variables();
        ok = this->periods() && ok;
        ok = inputs() && ok;
        ok = ok && target() && response();
        long longest = 0;
        for (const auto& p : spec_->periods)
            longest += p.longest;
        if (ok && longest == 0) {
            c_.diags.error(Code::TrialBounds, section("periods").front()->name_span,
                           "every period lasts 0 steps, so a trial has none",
                           "give a period a duration of at least one step");
            return nullptr;
        }
        return ok ? spec_ : nullptr;
    }

private:
    const std::vector<const ast::Field*>& section(const std::string& name) {
        static const std::vector<const ast::Field*> none;
        const auto it = d_.sections.find(name);
        return it == d_.sections.end() ? none : it->second;
    }

    // The text of a span on one line (a value written over several lines documents itself
    // in one), for the entry's docs.
    std::string source(const ast::Span& span) const {
        std::string out;
        if (c_.sources == nullptr)
            return out;
        for (const char ch : c_.sources->text(span)) {
            const bool blank = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
            if (!blank)
                out += ch;
            else if (!out.empty() && out.back() != ' ')
                out += ' ';
        }
        return out;
    }

    // A variable's name that the builder's own variables already take. (A variable may share
    // a period's name, as the built-in delay_match_sample's `sample` does: periods and
    // labels are named apart wherever an option names one.)
    bool reserved(const ast::Field& f) {
        const auto periods = field_names(section("periods"));
        std::string taken;
        if (f.name == "catch" || f.name == "condition" || f.name == "trial")
            taken = "the name of the builder's own trial variable";
        for (const auto& p : periods) {
            if (f.name == p + "_onset" || f.name == p + "_duration")
                taken = "the trial variable the builder records for period '" + p + "'";
        }
        if (taken.empty())
            return false;
        c_.diags.error(Code::UnknownTrialName, f.name_span,
                       fmt::format("variable '{}' has {}", f.name, taken),
                       "give the variable another name");
        return true;
    }

    bool variables() {
        bool ok = true;
        for (const ast::Field* f : section("variables")) {
            if (reserved(*f)) {
                compile_.declare_failed(f->name);
                ok = false;
                continue;
            }
            const auto node = compile_.compile(*f->value, TrialPlace::Variable);
            if (!node) {
                compile_.declare_failed(f->name);
                ok = false;
                continue;
            }
            if (compile_.width(*node) != 1) {
                c_.diags.error(Code::TrialWidths, f->value->span,
                               fmt::format("variable '{}' is {} numbers wide; a variable is one",
                                           f->name, compile_.width(*node)),
                               "make a channel of several inputs in `inputs` instead");
                compile_.declare_failed(f->name);
                ok = false;
                continue;
            }
            compile_.declare_variable(f->name, *node);
            const TrialBounds& b = compile_.bounds(*node);
            const bool steps = compile_.unit(*node) == TrialUnit::Steps;
            spec_->variables.push_back({f->name, *node,
                                        !steps && b.whole && b.low >= -1.0 && b.finite(),
                                        steps ? "steps" : "", source(f->value->span)});
        }
        return ok;
    }

    bool periods() {
        const auto& fields = section("periods");
        bool ok = true;
        const std::vector<std::string> variables = field_names(section("variables"));
        for (const ast::Field* f : fields) {
            if (f->name == "all") {
                c_.diags.error(Code::UnknownPeriod, f->name_span,
                               "'all' names every period in during(...), so no period may be "
                               "called so");
                ok = false;
                continue;
            }
            stdlib::ParadigmPeriod p;
            p.name = f->name;
            p.doc = source(f->value->span);
            if (mentions(*f->value, variables)) {
                ok = variable_duration(*f, p) && ok;
            } else {
                const stdlib::ParamSpec spec{
                    f->name,   stdlib::ParamType::JitteredSteps, std::nullopt, 0.0, 1e7, "steps",
                    "a period"};
                const auto v = value(c_, *f->value, spec, dt_ms_);
                if (!v) {
                    ok = false;
                    continue;
                }
                stdlib::Params params;
                params.set(f->name, *v);
                p.duration = stdlib::Duration::from(params, f->name);
                p.longest = p.duration.longest();
            }
            spec_->periods.push_back(std::move(p));
        }
        return ok;
    }

    bool variable_duration(const ast::Field& f, stdlib::ParadigmPeriod& p) {
        const auto node = compile_.compile(*f.value, TrialPlace::Duration);
        if (!node)
            return false;
        if (compile_.unit(*node) != TrialUnit::Steps || compile_.width(*node) != 1) {
            c_.diags.error(Code::TrialUnits, f.value->span,
                           fmt::format("period '{}' lasts a duration: a variable in ms, s or "
                                       "steps, or an expression of one",
                                       f.name));
            return false;
        }
        const TrialBounds& b = compile_.bounds(*node);
        if (!(b.low >= -0.5) || !std::isfinite(b.high) || b.high > 1e7) {
            c_.diags.error(
                Code::TrialBounds, f.value->span,
                fmt::format("period '{}' may last {} to {} steps", f.name, b.low, b.high),
                "a duration must stay between 0 and 1e7 steps: draw it with "
                "uniform(a, b) or choice([...]), not normal(...)");
            return false;
        }
        p.node = *node;
        p.longest = std::lround(b.high);
        return true;
    }

    // One channel: its terms, the noise(sd) among them apart.
    bool channel(const ast::Field& f) {
        std::vector<const Expr*> terms;
        const Expr* e = f.value.get();
        while (e->kind == K::Binary && e->text == "+") {
            terms.push_back(e->items[1].get());
            e = e->items[0].get();
        }
        terms.push_back(e);
        std::reverse(terms.begin(), terms.end());
        stdlib::ParadigmChannel ch;
        ch.name = f.name;
        // By the declared periods, as during's arms are: those with errors are not in the
        // spec, and then the spec is not used.
        const std::size_t periods = section("periods").size();
        ch.noise.assign(periods, -1);
        std::vector<int> values;
        int noise = -1;
        for (const Expr* term : terms) {
            if (term->kind == K::Call && term->text == "noise") {
                const auto sd = noise < 0 ? compile_.compile(*term->items.at(0), TrialPlace::Input)
                                          : std::nullopt;
                if (noise >= 0 || term->items.size() != 1 || !sd) {
                    if (noise >= 0 || term->items.size() != 1)
                        c_.diags.error(Code::NoiseForm, term->span,
                                       "an input takes one noise(sd), of one value");
                    return false;
                }
                noise = *sd;
                continue;
            }
            std::optional<int> v;
            if (term->kind == K::Call && term->text == "during") {
                std::vector<int> arm_noise(periods, -1);
                v = compile_.arms(*term, TrialPlace::Input, &arm_noise);
                for (std::size_t p = 0; v && p < arm_noise.size(); ++p)
                    if (arm_noise[p] >= 0) {
                        if (ch.noise[p] >= 0) {
                            c_.diags.error(Code::NoiseForm, term->span,
                                           "two during arms give one period noise");
                            return false;
                        }
                        ch.noise[p] = arm_noise[p];
                    }
            } else {
                v = compile_.compile(*term, TrialPlace::Input);
            }
            if (!v)
                return false;
            values.push_back(*v);
        }
        if (noise >= 0)
            for (auto& n : ch.noise) {
                if (n >= 0) {
                    c_.diags.error(Code::NoiseForm, f.value->span,
                                   fmt::format("input '{}' has noise on the whole trial and in a "
                                               "during arm",
                                               f.name),
                                   "give it in one place");
                    return false;
                }
                n = noise;
            }
        return finish_channel(f, std::move(ch), values);
    }

    bool finish_channel(const ast::Field& f, stdlib::ParadigmChannel ch,
                        const std::vector<int>& values) {
        arma::uword w = 1;
        for (int v : values) {
            if (compile_.unit(v) != TrialUnit::Number) {
                c_.diags.error(
                    Code::TrialUnits, f.value->span,
                    fmt::format("input '{}' is a duration; an input is a plain number", f.name));
                return false;
            }
            if (w != 1 && compile_.width(v) != 1 && compile_.width(v) != w) {
                c_.diags.error(Code::TrialWidths, f.value->span,
                               fmt::format("the terms of input '{}' have widths {} and {}", f.name,
                                           w, compile_.width(v)));
                return false;
            }
            w = std::max(w, compile_.width(v));
        }
        for (int n : ch.noise)
            if (n >= 0 && (compile_.width(n) != 1 || compile_.bounds(n).low < 0.0)) {
                c_.diags.error(Code::TrialBounds, f.value->span,
                               fmt::format("the noise of input '{}' is one standard deviation, "
                                           "never negative",
                                           f.name));
                return false;
            }
        ch.node = compile_.sum(values);
        ch.first = spec_->inputs;
        ch.width = w;
        spec_->inputs += w;
        spec_->channels.push_back(std::move(ch));
        return true;
    }

    bool inputs() {
        bool ok = true;
        for (const ast::Field* f : section("inputs"))
            ok = channel(*f) && ok;
        return ok;
    }

    bool target();
    bool response();

    Context& c_;
    const Declaration& d_;
    double dt_ms_;
    std::shared_ptr<stdlib::ParadigmSpec> spec_;
    ParadigmCompiler compile_;
};

bool ParadigmChecker::target() {
    const Expr& e = *d_.target->value;
    const bool classes = e.kind == K::Call && e.text == "classes";
    if (!(classes || (e.kind == K::Call && e.text == "values"))) {
        c_.diags.error(Code::WrongType, e.span,
                       fmt::format("the target is classes(PERIOD: class, ...) or values(PERIOD: "
                                   "value, ...), found {}",
                                   kind_words(e)));
        return false;
    }
    const auto node = compile_.arms(e, TrialPlace::Target, nullptr);
    if (!node)
        return false;
    const TrialBounds& b = compile_.bounds(*node);
    if (compile_.unit(*node) != TrialUnit::Number) {
        c_.diags.error(Code::TrialUnits, e.span, "a target is a plain number, not a duration");
        return false;
    }
    std::optional<double> outputs;
    if (d_.outputs != nullptr) {
        outputs = constant_number(*d_.outputs->value);
        if (!outputs || *outputs < 1.0 || *outputs > 1e4 || *outputs != std::floor(*outputs)) {
            c_.diags.error(Code::WrongType, d_.outputs->value->span,
                           "'outputs' is a whole number from 1 to 10000");
            return false;
        }
    }
    spec_->classes = classes;
    spec_->target = *node;
    if (!classes) {
        spec_->outputs = compile_.width(*node);
        if (outputs && *outputs != static_cast<double>(spec_->outputs)) {
            c_.diags.error(
                Code::OutputsMismatch, d_.outputs->value->span,
                fmt::format("the target has {} values per step, not {}", spec_->outputs, *outputs));
            return false;
        }
        return true;
    }
    if (compile_.width(*node) != 1 || !b.whole || b.low < 0.0) {
        c_.diags.error(Code::ClassTarget, e.span,
                       "a class is one whole number from 0 (0 is usually 'fixate')",
                       "compute it from whole-number variables: choice(0..2), if(x > 0, 1, 2)");
        return false;
    }
    if (!outputs && (!std::isfinite(b.high) || b.high >= 1e4)) {
        c_.diags.error(Code::TrialBounds, e.span,
                       "the number of classes cannot be known from the declaration",
                       "give it: outputs = N");
        return false;
    }
    if (outputs && b.high >= *outputs) {
        c_.diags.error(
            Code::ClassTarget, d_.outputs->value->span,
            fmt::format("the target reaches class {}, beyond outputs = {}", b.high, *outputs));
        return false;
    }
    spec_->outputs = static_cast<arma::uword>(outputs ? *outputs : b.high + 1.0);
    return true;
}

bool ParadigmChecker::response() {
    const auto periods = field_names(section("periods"));
    spec_->response = periods.size() - 1;
    if (d_.response == nullptr)
        return true;
    const Expr& e = *d_.response->value;
    const auto it =
        e.kind == K::Name ? std::find(periods.begin(), periods.end(), e.text) : periods.end();
    if (it == periods.end()) {
        c_.diags.error(
            Code::UnknownPeriod, e.span,
            fmt::format("'response' names a period of the paradigm, found {}", kind_words(e)),
            suggestion(e.kind == K::Name ? e.text : "", periods));
        return false;
    }
    spec_->response = static_cast<std::size_t>(it - periods.begin());
    return true;
}

std::string describe(const stdlib::ParadigmSpec& spec) {
    std::string periods, inputs;
    for (const auto& p : spec.periods)
        periods += (periods.empty() ? "" : ", ") + p.name;
    for (const auto& ch : spec.channels)
        inputs += (inputs.empty() ? "" : ", ") + ch.name
                  + (ch.width > 1 ? fmt::format(" ({} wide)", ch.width) : "");
    return fmt::format("A paradigm: periods {}; inputs {}; {} {}.", periods, inputs, spec.outputs,
                       spec.classes ? "classes (0..outputs-1) to choose from" : "values per step");
}

}  // namespace

void check_paradigm(Context& c, const ast::Statement& s, const std::vector<const ast::Field*>& all,
                    TaskDef& t) {
    stdlib::Schema scalars;
    for (const auto& p : stdlib::paradigm_entry().schema.params)
        if (p.type != stdlib::ParamType::Declaration && p.name != "outputs")
            scalars.params.push_back(p);
    std::vector<const ast::Field*> others;
    t.params = fields(c, s.body, scalars, fmt::format("paradigm '{}'", s.name), std::move(t.params),
                      s.name_span, &others);
    bool ok = true;
    for (const ast::Field* f : others)
        if (std::find(paradigm_fields().begin(), paradigm_fields().end(), f->name)
            == paradigm_fields().end()) {
            c.diags.error(Code::UnknownParameter, f->name_span,
                          fmt::format("a paradigm has no field '{}'", f->name),
                          suggestion(f->name, paradigm_fields()));
            ok = false;
        }
    const auto d = declaration(c, all);
    if (!d || !ok)
        return;
    std::vector<std::string> missing;
    for (const char* name : {"periods", "inputs"})
        if (!d->sections.count(name) || d->sections.at(name).empty())
            missing.emplace_back(name);
    if (d->target == nullptr)
        missing.emplace_back("target");
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing)
            list += (list.empty() ? "" : ", ") + m;
        c.diags.error(Code::ParadigmMissing, s.name_span,
                      fmt::format("paradigm '{}' declares no {}", s.name, list),
                      "a paradigm needs periods = { ... }, inputs = { ... } and a target: "
                      "docs/tasks.md, \"Writing your own task\"");
        return;
    }
    ParadigmChecker checker(c, *d, t.params.real("dt"));
    std::shared_ptr<stdlib::ParadigmSpec> spec;
    try {
        spec = checker.run();
    } catch (const ParadigmTooLarge&) {
        c.diags.error(Code::TrialWidths, s.name_span,
                      fmt::format("the paradigms up to '{}' hold more than {} values in their "
                                  "inputs, lists and choices",
                                  s.name, ParadigmCompiler::kMaxHeld),
                      "a task's inputs are a few hundred wide at most: check one_hot's n and "
                      "the ranges of choice");
        return;
    }
    if (spec == nullptr)
        return;
    t.definition_key = spec->key_text();
    t.own_entry = stdlib::make_paradigm_entry(s.name, describe(*spec), spec);
}

}  // namespace rnn::interp::checker
