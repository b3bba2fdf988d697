// The memory of the parser's parse-tree nodes (grammar/parser.cpp).
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace rnn::grammar {

// Every attempt of a stored rule allocates a parse-tree node, most of them freed again at
// once: hundreds of thousands for a long script. Nodes therefore come from an arena that
// lives for one parse() call (no node outlives it: the tree is converted to the AST and
// dropped inside parse), with freed nodes reused from a free list.
class NodeArena {
public:
    NodeArena() : previous_(current_) { current_ = this; }

    ~NodeArena() {
        current_ = previous_;
        for (void* slab : slabs_)
            ::operator delete(slab);
    }

    NodeArena(const NodeArena&) = delete;
    NodeArena& operator=(const NodeArena&) = delete;

    static NodeArena* current() { return current_; }

    void* allocate(std::size_t size) {
        if (free_ != nullptr) {
            void* p = free_;
            free_ = free_->next;
            return p;
        }
        if (used_ + size > kSlab || slabs_.empty()) {
            slabs_.push_back(::operator new(kSlab));
            used_ = 0;
        }
        void* p = static_cast<char*>(slabs_.back()) + used_;
        used_ += (size + alignof(std::max_align_t) - 1) / alignof(std::max_align_t)
                 * alignof(std::max_align_t);
        return p;
    }

    void release(void* p) {
        auto* block = static_cast<FreeBlock*>(p);
        block->next = free_;
        free_ = block;
    }

private:
    struct FreeBlock {
        FreeBlock* next;
    };

    static constexpr std::size_t kSlab = 1 << 16;
    static inline thread_local NodeArena* current_ = nullptr;
    NodeArena* previous_;
    std::vector<void*> slabs_;
    std::size_t used_ = 0;
    FreeBlock* free_ = nullptr;
};

}  // namespace rnn::grammar
