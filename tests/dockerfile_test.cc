// The Dockerfile (issue 9) cannot be built on these machines (no Docker, no registry), so this
// checks what can be checked without building it: its build stage installs exactly ci/setup's
// build_packages; its runtime stage installs the Debian package of every shared library the mmaudit
// binary links, and nothing else but ca-certificates; and the files it copies are enough for CMake
// to configure the build and embed the rules, template and schema.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The Dockerfile's instructions per stage, with line continuations joined.
std::vector<std::vector<std::string>> Stages() {
  std::istringstream in(Slurp(testing::SourcePath("Dockerfile")));
  std::vector<std::vector<std::string>> stages;
  std::string pending;
  for (std::string line; std::getline(in, line);) {
    if (pending.empty() && (line.empty() || line[0] == '#')) continue;
    const bool continued = !line.empty() && line.back() == '\\';
    pending += continued ? line.substr(0, line.size() - 1) + " " : line;
    if (continued) continue;
    if (pending.rfind("FROM ", 0) == 0) stages.emplace_back();
    if (!stages.empty()) stages.back().push_back(pending);
    pending.clear();
  }
  return stages;
}

// The packages a stage's `apt-get install` commands name.
std::set<std::string> Installs(const std::vector<std::string>& stage) {
  std::set<std::string> out;
  for (const std::string& instr : stage) {
    std::size_t at = instr.find("apt-get install");
    while (at != std::string::npos) {
      std::istringstream words(instr.substr(at + 15));
      for (std::string w; words >> w && w != "&&";)
        if (w[0] != '-') out.insert(w);
      at = instr.find("apt-get install", at + 1);
    }
  }
  return out;
}

// The words of the bash array `name=( ... )` in ci/setup.
std::set<std::string> SetupArray(const std::string& name) {
  const std::string s = Slurp(testing::SourcePath("ci/setup"));
  const std::size_t start = s.find("\n" + name + "=(");
  if (start == std::string::npos) return {};
  const std::size_t open = s.find('(', start), close = s.find(')', open);
  std::set<std::string> out;
  std::istringstream words(s.substr(open + 1, close - open - 1));
  for (std::string w; words >> w;) out.insert(w);
  return out;
}

std::string Shell(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
  }
  return out;
}

// The Debian package that ships the shared library `soname` as the dynamic loader finds it for the
// mmaudit binary; "" when dpkg does not know it.
std::string PackageOf(const std::string& soname) {
  const std::string ldd = Shell("ldd '" + std::string(MMAUDIT_BINARY) + "' 2>/dev/null");
  const std::regex line("\\s" + std::regex_replace(soname, std::regex("[.+]"), "\\$&") + " => (\\S+)");
  std::smatch m;
  if (!std::regex_search(ldd, m, line)) return "";
  const std::string path = m[1];
  std::error_code ec;
  const std::string real = std::filesystem::canonical(path, ec).string();
  for (std::string candidate : {path, real}) {
    for (const std::string& c : {candidate, candidate.rfind("/usr", 0) == 0 ? candidate.substr(4) : "/usr" + candidate}) {
      const std::string owner = Shell("dpkg -S '" + c + "' 2>/dev/null");
      if (const std::size_t colon = owner.find(':'); !owner.empty() && colon != std::string::npos)
        return owner.substr(0, colon);
    }
  }
  return "";
}

TEST(Dockerfile, ItsBuildStageInstallsExactlyTheBuildPackagesOfCiSetup) {
  const auto stages = Stages();
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_NE(stages[0][0].find("debian:12"), std::string::npos) << stages[0][0];
  EXPECT_NE(stages[1][0].find("debian:12"), std::string::npos) << stages[1][0];
  const std::set<std::string> build = SetupArray("build_packages");
  ASSERT_GT(build.size(), 5u);
  EXPECT_EQ(Installs(stages[0]), build);
}

TEST(Dockerfile, ItsRuntimeStageInstallsThePackageOfEveryLibraryTheBinaryLinksAndNothingElse) {
  if (Shell("command -v dpkg").empty()) GTEST_SKIP() << "dpkg is not available (not Debian)";
  const auto stages = Stages();
  const std::set<std::string> runtime = Installs(stages.at(1));
  // In debian:12-slim already; the sanitizer runtimes are there only because the tests' build uses them.
  const std::set<std::string> base = {"libc6", "libgcc-s1", "libstdc++6"};
  const std::set<std::string> sanitizers = {"libasan8", "libubsan1", "libtsan2"};
  std::set<std::string> needed;
  std::istringstream dynamic(Shell("readelf -d '" + std::string(MMAUDIT_BINARY) + "'"));
  for (std::string line; std::getline(dynamic, line);) {
    const std::size_t open = line.find("Shared library: [");
    if (open == std::string::npos) continue;
    const std::string soname = line.substr(open + 17, line.find(']', open) - open - 17);
    const std::string package = PackageOf(soname);
    ASSERT_FALSE(package.empty()) << "no Debian package ships " << soname;
    if (sanitizers.count(package) || base.count(package)) continue;
    needed.insert(package);
    EXPECT_TRUE(runtime.count(package)) << soname << " comes from " << package << ", which the runtime stage lacks";
  }
  EXPECT_GE(needed.size(), 6u);  // curl, gumbo, boost, uriparser, zlib, expat, psl
  for (const std::string& p : runtime)
    if (p != "ca-certificates") EXPECT_TRUE(needed.count(p)) << p << " is installed but the binary links nothing of it";
}

TEST(Dockerfile, TheFilesItCopiesAreEnoughToConfigureTheBuild) {
  const std::string tree = testing::TempDir() + "/src";
  std::filesystem::create_directories(tree);
  const auto stages = Stages();
  for (const std::string& instr : stages.at(0)) {
    if (instr.rfind("COPY ", 0) != 0 || instr.find("--from") != std::string::npos) continue;
    std::istringstream words(instr.substr(5));
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    ASSERT_EQ(w.size(), 2u) << instr;
    const std::string to = w[1] == "./" ? tree + "/" + std::filesystem::path(w[0]).filename().string() : tree + "/" + w[1];
    std::filesystem::create_directories(std::filesystem::path(to).parent_path());
    std::filesystem::copy(testing::SourcePath(w[0]), to, std::filesystem::copy_options::recursive);
  }
  const auto configure = Shell("cmake -S '" + tree + "' -B '" + tree + "/build' -G Ninja -DCMAKE_BUILD_TYPE=Release "
                               "-DMMAUDIT_BUILD_TESTS=OFF >/dev/null 2>&1 && cmake --build '" + tree +
                               "/build' -- generated/embedded_data.cc >/dev/null 2>&1 && echo configured");
  EXPECT_EQ(configure, "configured\n");
}

}  // namespace
}  // namespace mmaudit
