// The in-memory results of the nodes done so far, which the nodes after them read: tasks,
// trained (and altered) networks, evaluations and analyses, by definition name. Nodes run on
// their own threads, so every access is locked; a result is never changed once kept, and
// std::map keeps references to it valid while others are added.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "interpreter/training.hpp"

namespace rnn::interp {

class NodeResults {
public:
    const stdlib::TaskInstance* task_of(const std::string& name) const {
        const std::lock_guard lock(mutex_);
        return tasks_.at(name).get();
    }

    const TrainedNetwork& trained_of(const std::string& name) const {
        const std::lock_guard lock(mutex_);
        return trained_.at(name);
    }

    const Evaluation& evaluation_of(const std::string& name) const {
        const std::lock_guard lock(mutex_);
        return evaluations_.at(name);
    }

    const stdlib::AnalysisResult& analysis_of(const std::string& name) const {
        const std::lock_guard lock(mutex_);
        return analyses_.at(name);
    }

    void keep(const std::string& name, std::unique_ptr<stdlib::TaskInstance> task) {
        const std::lock_guard lock(mutex_);
        tasks_[name] = std::move(task);
    }

    void keep(const std::string& name, TrainedNetwork trained) {
        const std::lock_guard lock(mutex_);
        trained_[name] = std::move(trained);
    }

    void keep(const std::string& name, Evaluation evaluation) {
        const std::lock_guard lock(mutex_);
        evaluations_[name] = std::move(evaluation);
    }

    void keep(const std::string& name, stdlib::AnalysisResult analysis) {
        const std::lock_guard lock(mutex_);
        analyses_[name] = std::move(analysis);
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<stdlib::TaskInstance>> tasks_;
    std::map<std::string, TrainedNetwork> trained_;
    std::map<std::string, Evaluation> evaluations_;
    std::map<std::string, stdlib::AnalysisResult> analyses_;
};

}  // namespace rnn::interp
