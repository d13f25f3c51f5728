#include "apps/lab/run_record.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/base/crc32.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

using Json = nlohmann::ordered_json;

// Calls f(name, get) for every setting in run.json's order, where get(config) is the field (of
// a const or a mutable RunConfig): the one list the writer, the reader, the overrides and the
// fingerprint share.
#define TINYMLP_SETTING(name, member) \
  f(                                  \
      name, [](auto& c) -> auto& { return c.member; })
template <typename F>
void ForEachSetting(F&& f) {
  TINYMLP_SETTING("data", data);
  TINYMLP_SETTING("split", split);
  TINYMLP_SETTING("threads", threads);
  TINYMLP_SETTING("hidden", run.hidden);
  TINYMLP_SETTING("batch_norm", run.batch_norm);
  TINYMLP_SETTING("init", run.init);
  TINYMLP_SETTING("init_sigma", run.init_sigma);
  TINYMLP_SETTING("lambda", run.lambda);
  TINYMLP_SETTING("batch", run.batch);
  TINYMLP_SETTING("schedule", run.schedule);
  TINYMLP_SETTING("eta_min", run.eta_min);
  TINYMLP_SETTING("eta_max", run.eta_max);
  TINYMLP_SETTING("n_s", run.n_s);
  TINYMLP_SETTING("cycles", run.cycles);
  TINYMLP_SETTING("eta", run.eta);
  TINYMLP_SETTING("epochs", run.epochs);
  TINYMLP_SETTING("optimizer", run.optimizer);
  TINYMLP_SETTING("momentum", run.momentum);
  TINYMLP_SETTING("beta1", run.beta1);
  TINYMLP_SETTING("beta2", run.beta2);
  TINYMLP_SETTING("epsilon", run.epsilon);
  TINYMLP_SETTING("bn_alpha", run.bn_alpha);
  TINYMLP_SETTING("dropout", run.dropout);
  TINYMLP_SETTING("augment", run.augment);
  TINYMLP_SETTING("seed", run.seed);
  TINYMLP_SETTING("evals_per_cycle", run.evals_per_cycle);
  TINYMLP_SETTING("early_stop", run.early_stop);
  TINYMLP_SETTING("out", run.out);
  TINYMLP_SETTING("checkpoint_every", run.checkpoint_every);
}
#undef TINYMLP_SETTING

// A float as the shortest decimal that reads back (as a double, then rounded to float, which is
// what the reader does) as the same float: 0.00115f is written 0.00115, not 0.0011500000255.
// (Read back as a float directly, too: the form a flag takes.)
std::string ShortestText(float value) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, static_cast<double>(value));
    if (static_cast<float>(std::strtod(text, nullptr)) == value &&
        std::strtof(text, nullptr) == value) {
      break;
    }
  }
  return text;  // 9 digits always read back
}
double ShortestDouble(float value) { return std::strtod(ShortestText(value).c_str(), nullptr); }

Json ToJson(const std::string& v) { return v; }
Json ToJson(bool v) { return v; }
Json ToJson(float v) { return ShortestDouble(v); }
Json ToJson(double v) { return v; }
Json ToJson(int v) { return v; }
Json ToJson(long v) { return v; }
Json ToJson(uint64_t v) { return v; }

std::string ToFlagText(const std::string& v) { return v; }
std::string ToFlagText(float v) { return ShortestText(v); }
std::string ToFlagText(double v) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", v);
  return text;
}
std::string ToFlagText(int v) { return std::to_string(v); }
std::string ToFlagText(long v) { return std::to_string(v); }
std::string ToFlagText(uint64_t v) { return std::to_string(v); }

// Reads JSON values into typed fields; every mismatch is one line naming the file and the key.
class JsonReader {
 public:
  explicit JsonReader(const std::string& name) : name_(name) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& what) const {
    throw DataError(name_ + ": " + key + " " + what);
  }
  // The object at `key`, its keys all in `known`.
  const Json& Object(const Json& v, const std::string& key,
                     const std::set<std::string>& known) const {
    if (!v.is_object()) Fail(key, "is not a JSON object");
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (known.count(it.key()) == 0) {
        Fail(key.empty() ? "\"" + it.key() + "\"" : key + "." + it.key(),
             "is not a key of a run record");
      }
    }
    return v;
  }
  void Read(const Json& v, const std::string& key, std::string& out) const {
    if (!v.is_string()) Fail(key, "is not a string");
    out = v.get<std::string>();
  }
  void Read(const Json& v, const std::string& key, bool& out) const {
    if (!v.is_boolean()) Fail(key, "is not true or false");
    out = v.get<bool>();
  }
  void Read(const Json& v, const std::string& key, double& out) const {
    if (!v.is_number()) Fail(key, "is not a number");
    out = v.get<double>();
    if (!std::isfinite(out)) Fail(key, "is not finite");
  }
  void Read(const Json& v, const std::string& key, float& out) const {
    double d;
    Read(v, key, d);
    if (std::fabs(d) > FLT_MAX) Fail(key, "is too large for a float");
    out = static_cast<float>(d);
  }
  template <typename T>
  void ReadInteger(const Json& v, const std::string& key, T& out) const {
    const std::string range = " (" + std::to_string(std::numeric_limits<T>::min()) + " to " +
                              std::to_string(std::numeric_limits<T>::max()) + ")";
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
        Fail(key, "is out of range" + range);
      out = static_cast<T>(u);
      return;
    }
    if (!v.is_number_integer()) Fail(key, "is not a whole number");
    const int64_t i = v.get<int64_t>();
    if (i < static_cast<int64_t>(std::numeric_limits<T>::min()))
      Fail(key, "is out of range" + range);
    out = static_cast<T>(i);
  }
  void Read(const Json& v, const std::string& key, int& out) const { ReadInteger(v, key, out); }
  void Read(const Json& v, const std::string& key, long& out) const { ReadInteger(v, key, out); }
  void Read(const Json& v, const std::string& key, uint64_t& out) const {
    if (!v.is_number_unsigned()) Fail(key, "is not a whole number >= 0");
    out = v.get<uint64_t>();
  }
  // Reads v[field] into out when present (required: else an error).
  template <typename T>
  void Field(const Json& v, const std::string& key, const char* field, T& out,
             bool required = false) const {
    const auto it = v.find(field);
    if (it == v.end()) {
      if (required) Fail(key.empty() ? field : key + "." + field, "is missing");
      return;
    }
    Read(*it, key.empty() ? field : key + "." + field, out);
  }

 private:
  const std::string& name_;
};

Json SettingsJson(const RunConfig& config) {
  Json settings = Json::object();
  ForEachSetting([&](const char* name, auto get) { settings[name] = ToJson(get(config)); });
  return settings;
}

const char* const kStatuses[] = {"running", "interrupted", "diverged", "stopped early", "finished"};

}  // namespace

std::vector<std::string> RunSettingNames() {
  std::vector<std::string> names;
  ForEachSetting([&](const char* name, auto) { names.push_back(name); });
  return names;
}

std::string FlagOfSetting(const std::string& name) {
  std::string flag = "--" + name;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

void CopySettingsIf(const RunConfig& from, RunConfig& to,
                    const std::function<bool(const std::string& name)>& take) {
  ForEachSetting([&](const char* name, auto get) {
    if (take(name)) get(to) = get(from);
  });
}

std::vector<std::string> SettingsAsFlags(const RunConfig& config, const RunConfig& defaults) {
  std::vector<std::string> args;
  ForEachSetting([&](const char* name, auto get) {
    const auto& value = get(config);
    if (value == get(defaults)) return;
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, bool>) {
      if (value)
        args.push_back(FlagOfSetting(name));  // (no flag turns one off: all are off by default)
    } else {
      args.push_back(FlagOfSetting(name));
      args.push_back(ToFlagText(value));
    }
  });
  return args;
}

uint64_t SettingsKey(const RunConfig& config) {
  Json settings = SettingsJson(config);
  for (const char* free_to_change : {"data", "out", "checkpoint_every"}) {
    settings.erase(free_to_change);
  }
  const std::string text = settings.dump();
  return Crc32(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string RunRecordJson(const RunRecord& r) {
  Json j;
  j["format"] = kRunRecordFormat;
  j["tinymlp_version"] = r.tinymlp_version;
  j["status"] = r.status;
  j["started"] = r.started;
  if (!r.finished.empty()) j["finished"] = r.finished;
  j["settings"] = SettingsJson(r.config);
  j["environment"] = {{"highway_target", r.highway_target},
                      {"hardware_threads", r.hardware_threads}};
  Json files = Json::array();
  for (const DataFileSum& f : r.data_files) {
    files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"crc32", Crc32Text(f.crc32)}});
  }
  j["data"] = {{"folder", r.data_folder}, {"files", files}};
  if (r.has_results) {
    const RunFigures& f = r.results;
    Json results = {{"steps", f.steps},
                    {"steps_done", f.steps_done},
                    {"train_seconds", std::round(f.train_seconds * 1000) / 1000}};
    if (f.val_accuracy >= 0) results["val_accuracy"] = f.val_accuracy;  // not after an interrupt
    if (f.test_accuracy >= 0) results["test_accuracy"] = f.test_accuracy;
    if (f.best_step >= 0) {
      results["best_val_accuracy"] = f.best_val_accuracy;
      results["best_step"] = f.best_step;
    }
    j["results"] = results;
  }
  return j.dump(2) + "\n";
}

RunRecord ParseRunRecord(const uint8_t* data, size_t size, const std::string& name) {
  Json j;
  try {
    j = Json::parse(data, data + size);
  } catch (const Json::exception& e) {
    // nlohmann's message names the byte ("parse error at line 3, column 7: ..."), one line.
    std::string what = e.what();
    const size_t colon = what.find("] ");
    throw DataError(
        name + ": not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  const JsonReader in(name);
  in.Object(j, "",
            {"format", "tinymlp_version", "status", "started", "finished", "settings",
             "environment", "data", "results"});
  RunRecord r;
  int format = 0;
  in.Field(j, "", "format", format, /*required=*/true);
  if (format != kRunRecordFormat) {
    in.Fail("format", std::to_string(format) + " is not " + std::to_string(kRunRecordFormat));
  }
  in.Field(j, "", "tinymlp_version", r.tinymlp_version);
  in.Field(j, "", "status", r.status);
  bool known_status = false;
  for (const char* s : kStatuses) known_status = known_status || r.status == s;
  if (!known_status)
    in.Fail("status",
            "'" + r.status + "' is not running, interrupted, diverged, stopped early or finished");
  in.Field(j, "", "started", r.started);
  in.Field(j, "", "finished", r.finished);

  const auto settings = j.find("settings");
  if (settings == j.end()) in.Fail("settings", "is missing");
  std::set<std::string> names;
  for (const std::string& n : RunSettingNames()) names.insert(n);
  in.Object(*settings, "settings", names);
  ForEachSetting([&](const char* setting, auto get) {
    in.Field(*settings, "settings", setting, get(r.config));
  });

  if (const auto env = j.find("environment"); env != j.end()) {
    in.Object(*env, "environment", {"highway_target", "hardware_threads"});
    in.Field(*env, "environment", "highway_target", r.highway_target);
    in.Field(*env, "environment", "hardware_threads", r.hardware_threads);
  }
  if (const auto d = j.find("data"); d != j.end()) {
    in.Object(*d, "data", {"folder", "files"});
    in.Field(*d, "data", "folder", r.data_folder);
    if (const auto files = d->find("files"); files != d->end()) {
      if (!files->is_array()) in.Fail("data.files", "is not a JSON array");
      for (const Json& f : *files) {
        in.Object(f, "data.files[]", {"name", "bytes", "crc32"});
        DataFileSum sum;
        std::string crc;
        in.Field(f, "data.files[]", "name", sum.name, true);
        in.Field(f, "data.files[]", "bytes", sum.bytes, true);
        in.Field(f, "data.files[]", "crc32", crc, true);
        char* end = nullptr;
        const unsigned long long value = std::strtoull(crc.c_str(), &end, 16);
        if (crc.size() != 10 || crc.compare(0, 2, "0x") != 0 || *end != '\0' ||
            value > 0xFFFFFFFFull) {
          in.Fail("data.files[].crc32",
                  "'" + crc + "' is not a CRC-32 written 0x and 8 hex digits");
        }
        sum.crc32 = static_cast<uint32_t>(value);
        r.data_files.push_back(sum);
      }
    }
  }
  if (const auto res = j.find("results"); res != j.end()) {
    in.Object(*res, "results",
              {"steps", "steps_done", "train_seconds", "val_accuracy", "test_accuracy",
               "best_val_accuracy", "best_step"});
    r.has_results = true;
    RunFigures& f = r.results;
    in.Field(*res, "results", "steps", f.steps, true);
    in.Field(*res, "results", "steps_done", f.steps_done, true);
    in.Field(*res, "results", "train_seconds", f.train_seconds);
    in.Field(*res, "results", "val_accuracy", f.val_accuracy);
    in.Field(*res, "results", "test_accuracy", f.test_accuracy);
    in.Field(*res, "results", "best_val_accuracy", f.best_val_accuracy);
    in.Field(*res, "results", "best_step", f.best_step);
  }
  return r;
}

RunRecord ReadRunRecord(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path, kRunRecordMaxBytes, "run record");
  return ParseRunRecord(bytes.data(), bytes.size(), path);
}

void WriteRunRecord(const std::string& path, const RunRecord& record) {
  WriteFileAtomic(path, RunRecordJson(record));
}

}  // namespace tinymlp
