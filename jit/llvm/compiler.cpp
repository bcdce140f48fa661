#include "jit/llvm/compiler.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/DeadStoreElimination.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/GVN.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Transforms/Scalar/LoopPassManager.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <chrono>
#include <stdexcept>

namespace vireo::jit {

namespace {

std::string Message(llvm::Error e) { return llvm::toString(std::move(e)); }

/// Object size of the last module materialised on this thread (ORC compiles on the thread
/// that looks a symbol up: LLJIT's default dispatcher runs tasks in place).
thread_local uint64_t t_object_bytes = 0;

std::atomic<uint64_t> g_name_counter{0};

/// Batch limits: regions and IR instructions per module.
constexpr size_t kBatchRegions = 8;
constexpr size_t kBatchInsts = 40000;

}  // namespace

namespace {

std::unique_ptr<llvm::TargetMachine> HostTargetMachine() {
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) throw std::runtime_error("LLVM: " + Message(jtmb.takeError()));
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  auto tm = jtmb->createTargetMachine();
  if (!tm) throw std::runtime_error("LLVM: " + Message(tm.takeError()));
  return std::move(*tm);
}

/// The optimisation pipeline, a function pipeline (regions call nothing worth inlining): SROA
/// turns the promoted slots into SSA values, EarlyCSE and GVN remove repeated loads (TLB tags,
/// state), DSE removes overwritten flag stores, LICM hoists invariant loads out of loops and
/// keeps loop-carried state in registers, InstCombine and SimplifyCFG clean up between. The
/// analysis managers are set up once per compiling thread.
class Optimizer {
 public:
  Optimizer() : tm_(HostTargetMachine()), pb_(tm_.get()) {
    pb_.registerModuleAnalyses(mam_);
    pb_.registerCGSCCAnalyses(cgam_);
    pb_.registerFunctionAnalyses(fam_);
    pb_.registerLoopAnalyses(lam_);
    pb_.crossRegisterProxies(lam_, fam_, cgam_, mam_);
    fpm_.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
    fpm_.addPass(llvm::EarlyCSEPass(true));
    fpm_.addPass(llvm::InstCombinePass());
    fpm_.addPass(llvm::SimplifyCFGPass());
    fpm_.addPass(llvm::createFunctionToLoopPassAdaptor(
        llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
    fpm_.addPass(llvm::GVNPass());
    fpm_.addPass(llvm::DSEPass());
    fpm_.addPass(llvm::InstCombinePass());
    fpm_.addPass(llvm::SimplifyCFGPass());
  }
  void Run(llvm::Module& m) {
    for (llvm::Function& f : m)
      if (!f.isDeclaration()) fpm_.run(f, fam_);
    // Cached results point into this module, which is about to go.
    mam_.clear();
    cgam_.clear();
    fam_.clear();
    lam_.clear();
  }

 private:
  std::unique_ptr<llvm::TargetMachine> tm_;
  llvm::PassBuilder pb_;
  llvm::LoopAnalysisManager lam_;
  llvm::FunctionAnalysisManager fam_;
  llvm::CGSCCAnalysisManager cgam_;
  llvm::ModuleAnalysisManager mam_;
  llvm::FunctionPassManager fpm_;
};

}  // namespace

struct Compiler::Impl {
  LowerConfig config;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  /// One optimiser per compiling thread (the background worker, and the vCPU for tier=llvm).
  std::unique_ptr<Optimizer> worker_opt, caller_opt;
  /// Code is added a batch (one module) at a time and freed when all of its regions are.
  struct Code {
    llvm::orc::ResourceTrackerSP tracker;
    uint64_t bytes_each;
    unsigned live;
  };
  std::mutex trackers_mutex;
  std::unordered_map<uint64_t, Code> trackers;
  std::atomic<uint64_t> next_key{1};

  /// Lowers, optimises and generates code for the jobs as one module (codegen's set-up cost is
  /// per module, so a backlog compiles much faster in batches).
  std::vector<CompileResult> Compile(const std::vector<const CompileJob*>& jobs,
                                     Optimizer& opt, CompilerStats& stats);
};

std::vector<CompileResult> Compiler::Impl::Compile(const std::vector<const CompileJob*>& jobs,
                                                   Optimizer& opt, CompilerStats& stats) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<CompileResult> results(jobs.size());
  std::vector<std::string> names(jobs.size());
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("vireo_batch", *ctx);
  module->setDataLayout(jit->getDataLayout());
  module->setTargetTriple(jit->getTargetTriple().str());
  unsigned lowered = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    results[i].id = jobs[i]->id;
    names[i] = "vireo_region_" + std::to_string(g_name_counter.fetch_add(1));
    try {
      llvm::Function* fn =
          LowerRegion(jobs[i]->region, config, *module, names[i], &results[i].exit_targets);
      std::string problems;
      llvm::raw_string_ostream os(problems);
      if (llvm::verifyFunction(*fn, &os)) throw std::logic_error("invalid LLVM IR: " + problems);
      ++lowered;
    } catch (const std::exception& e) {
      if (llvm::Function* partial = module->getFunction(names[i])) partial->eraseFromParent();
      results[i].error = e.what();
      names[i].clear();
    }
  }
  if (lowered > 0) {
    try {
      opt.Run(*module);
      llvm::orc::ResourceTrackerSP tracker = jit->getMainJITDylib().createResourceTracker();
      if (llvm::Error e = jit->addIRModule(
              tracker, llvm::orc::ThreadSafeModule(std::move(module), std::move(ctx))))
        throw std::runtime_error(Message(std::move(e)));
      t_object_bytes = 0;
      const uint64_t key = next_key.fetch_add(1);
      unsigned found = 0;
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (names[i].empty()) continue;
        auto addr = jit->lookup(names[i]);
        if (!addr) {
          results[i].error = Message(addr.takeError());
          continue;
        }
        results[i].entry = addr->toPtr<NativeCode::Entry>();
        results[i].code_key = key;
        ++found;
      }
      if (found == 0) {
        llvm::consumeError(tracker->remove());
      } else {
        for (CompileResult& r : results)
          if (r.entry != nullptr) r.bytes = t_object_bytes / found;
        std::lock_guard lock(trackers_mutex);
        trackers.emplace(key, Code{std::move(tracker), t_object_bytes / found, found});
      }
    } catch (const std::exception& e) {
      for (CompileResult& r : results) {
        if (r.error.empty()) r.error = e.what();
        r.entry = nullptr;
      }
    }
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  stats.nanoseconds += static_cast<uint64_t>(ns);
  for (CompileResult& r : results) {
    r.seconds = static_cast<double>(ns) * 1e-9 / static_cast<double>(results.size());
    if (r.entry != nullptr) {
      ++stats.compiled;
      stats.bytes_live += r.bytes;
    } else {
      ++stats.failed;
    }
  }
  return results;
}

Compiler::Compiler(LowerConfig config) : impl_(std::make_unique<Impl>()) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  impl_->config = std::move(config);
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) throw std::runtime_error("LLVM ORC: " + Message(jit.takeError()));
  impl_->jit = std::move(*jit);
  // Generated code calls the ISA's helpers by address; the process's symbols are there for
  // anything the code generator itself asks for (e.g. compiler-rt routines).
  auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      impl_->jit->getDataLayout().getGlobalPrefix());
  if (!generator) throw std::runtime_error("LLVM ORC: " + Message(generator.takeError()));
  impl_->jit->getMainJITDylib().addGenerator(std::move(*generator));
  // Materialisation errors (e.g. no memory for code) come back through lookup() as well; keep
  // the session from printing each one.
  impl_->jit->getExecutionSession().setErrorReporter([](llvm::Error e) {
    llvm::consumeError(std::move(e));
  });
  impl_->jit->getObjTransformLayer().setTransform(
      [](std::unique_ptr<llvm::MemoryBuffer> object)
          -> llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> {
        t_object_bytes += object->getBufferSize();
        return object;
      });
  impl_->worker_opt = std::make_unique<Optimizer>();
  impl_->caller_opt = std::make_unique<Optimizer>();
  thread_ = std::thread([this] { Worker(); });
}

Compiler::~Compiler() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Compiler::Submit(CompileJob job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    ++pending_;
  }
  wake_.notify_one();
}

void Compiler::TakeResults(std::vector<CompileResult>* out) {
  if (!has_done_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  for (CompileResult& r : done_) out->push_back(std::move(r));
  done_.clear();
  has_done_.store(false, std::memory_order_release);
}

CompileResult Compiler::CompileNow(const CompileJob& job) {
  return std::move(impl_->Compile({&job}, *impl_->caller_opt, stats_).front());
}

void Compiler::Release(uint64_t code_key) {
  {
    std::lock_guard tl(impl_->trackers_mutex);
    auto it = impl_->trackers.find(code_key);
    if (it == impl_->trackers.end()) return;
    stats_.bytes_live -= it->second.bytes_each;
    ++stats_.released;
    if (--it->second.live > 0) return;  // other regions of the batch still run
  }
  {
    std::lock_guard lock(mutex_);
    releases_.push_back(code_key);
  }
  wake_.notify_one();
}

void Compiler::Worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !jobs_.empty() || !releases_.empty(); });
    // Frees first: they bound the memory a long run uses.
    while (!releases_.empty()) {
      std::vector<uint64_t> keys;
      keys.swap(releases_);
      lock.unlock();
      for (uint64_t key : keys) {
        llvm::orc::ResourceTrackerSP tracker;
        {
          std::lock_guard tl(impl_->trackers_mutex);
          auto it = impl_->trackers.find(key);
          if (it == impl_->trackers.end()) continue;
          tracker = std::move(it->second.tracker);
          impl_->trackers.erase(it);
        }
        llvm::consumeError(tracker->remove());
      }
      lock.lock();
    }
    if (stop_) return;
    if (jobs_.empty()) continue;
    // Newest first, up to a batch: when a backlog builds up (a boot), the regions that got hot
    // last are the ones running now; a batch spreads code generation's set-up cost.
    std::vector<CompileJob> batch;
    size_t insts = 0;
    while (!jobs_.empty() && batch.size() < kBatchRegions && insts < kBatchInsts) {
      for (const auto& block : jobs_.back().region.blocks) insts += block->insts.size();
      batch.push_back(std::move(jobs_.back()));
      jobs_.pop_back();
    }
    lock.unlock();
    std::vector<const CompileJob*> refs;
    for (const CompileJob& j : batch) refs.push_back(&j);
    std::vector<CompileResult> results;
    try {
      results = impl_->Compile(refs, *impl_->worker_opt, stats_);
    } catch (const std::exception& e) {
      // Out of memory and the like: the jobs fail, the guest stays in tier 0.
      for (const CompileJob& j : batch) {
        CompileResult r;
        r.id = j.id;
        r.error = e.what();
        results.push_back(std::move(r));
        ++stats_.failed;
      }
    }
    lock.lock();
    for (CompileResult& r : results) done_.push_back(std::move(r));
    pending_ -= batch.size();
    has_done_.store(true, std::memory_order_release);
  }
}

}  // namespace vireo::jit
