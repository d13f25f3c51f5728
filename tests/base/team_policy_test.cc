// TeamPolicy on a simulated clock: it keeps the team while the team pays, runs alone while it
// does not, comes back when the machine frees up, and spends little time finding out.
#include "engine/base/team_policy.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace tinymlp {
namespace {

// Jobs that take alone_ns on the caller alone and team_ns with the team.
struct Machine {
  TeamPolicy policy;
  int64_t now = 1'000'000'000;
  // Runs `jobs` jobs; returns how many were offered to the team.
  int64_t Run(int jobs, int64_t alone_ns, int64_t team_ns) {
    int64_t offered = 0;
    for (int i = 0; i < jobs; ++i) {
      if (policy.OfferNext(now)) {
        ++offered;
        now += team_ns;
        policy.Record(team_ns, alone_ns, now);
      } else {
        now += alone_ns;
      }
    }
    return offered;
  }
};

// A training step's products on a 2-core machine: 0.5 ms alone, 0.3 ms idle with the team,
// 0.75 ms with the team beside a busy loop.
constexpr int64_t kAlone = 500'000, kTeamIdle = 300'000, kTeamLoaded = 750'000;

TEST(TeamPolicy, KeepsTheTeamWhileItPays) {
  Machine m;
  EXPECT_EQ(m.Run(100000, kAlone, kTeamIdle), 100000) << "every job offered";
  EXPECT_TRUE(m.policy.team_chosen());
}

TEST(TeamPolicy, RunsAloneWhileTheTeamLoses) {
  Machine m;
  const int jobs = 100000;
  const int64_t offered = m.Run(jobs, kAlone, kTeamLoaded);
  EXPECT_FALSE(m.policy.team_chosen());
  // A window of kWindow jobs, then alone for 8, 32, ... 1024 windows' time.
  EXPECT_LT(offered, jobs / 50) << "jobs offered";
}

TEST(TeamPolicy, SavingLessThanThreePercentRunsAlone) {
  Machine m;
  m.Run(TeamPolicy::kWindow, kAlone, kAlone - kAlone / 50);  // 2 % saved
  EXPECT_FALSE(m.policy.team_chosen()) << "the same speed for less of the machine";
  Machine n;
  n.Run(TeamPolicy::kWindow, kAlone, kAlone - kAlone / 20);  // 5 % saved
  EXPECT_TRUE(n.policy.team_chosen());
}

TEST(TeamPolicy, ComesBackWhenTheMachineFreesUp) {
  Machine m;
  m.Run(100000, kAlone, kTeamLoaded);  // loaded long enough for the longest time alone
  ASSERT_FALSE(m.policy.team_chosen());
  // The load goes. Within the longest time alone (kMaxFactor windows) and one more window,
  // the team is back for good.
  const int64_t window = TeamPolicy::kWindow * kTeamLoaded;
  const int within = static_cast<int>((TeamPolicy::kMaxFactor + 1) * window / kAlone) + 1;
  m.Run(within, kAlone, kTeamIdle);
  EXPECT_TRUE(m.policy.team_chosen());
  EXPECT_EQ(m.Run(10000, kAlone, kTeamIdle), 10000);
  m.Run(TeamPolicy::kWindow, kAlone, kTeamLoaded);  // and the load comes back
  EXPECT_FALSE(m.policy.team_chosen());
}

TEST(TeamPolicy, TimeAloneIsAtLeastAMillisecondAWindow) {
  // Tiny jobs (1 us alone, 1.5 us with the team): a window lasts 48 us, but the time alone after
  // it is kFirstFactor milliseconds, not kFirstFactor windows, so a clock's jitter on tiny
  // windows cannot make the policy offer nearly every job.
  Machine m;
  m.Run(TeamPolicy::kWindow, 1000, 1500);
  ASSERT_FALSE(m.policy.team_chosen());
  const int alone_jobs = TeamPolicy::kFirstFactor * 1'000'000 / 1000;
  EXPECT_EQ(m.Run(alone_jobs - 1, 1000, 1500), 0);
}

TEST(TeamPolicy, AClearlyLosingWindowEndsEarly) {
  // With the team 3x slower than alone, the first window is given up after kEarlyJobs jobs; 20 %
  // slower, it runs its kWindow jobs (a stalled worker early in a window may yet be made up).
  Machine slow;
  int offered = 0;
  while (slow.policy.team_chosen()) offered += static_cast<int>(slow.Run(1, kAlone, 3 * kAlone));
  EXPECT_EQ(offered, TeamPolicy::kEarlyJobs);
  Machine lagging;
  offered = 0;
  while (lagging.policy.team_chosen()) {
    offered += static_cast<int>(lagging.Run(1, kAlone, kAlone + kAlone / 5));
  }
  EXPECT_EQ(offered, TeamPolicy::kWindow);
}

TEST(TeamPolicy, ALuckyWindowDoesNotBringBackShortTimesAlone) {
  // Loaded, but one offered window in three happens to pay (the noise of a shared machine). Had a
  // winning window reset the time alone to kFirstFactor windows, about a tenth of the jobs would be
  // offered, two losing windows in every three; halving keeps it near 1 %.
  Machine m;
  int64_t offered = 0, windows = 0;
  const int jobs = 2'000'000;
  for (int i = 0; i < jobs; ++i) {
    const bool lucky = windows % 3 == 2;
    const int64_t got = m.Run(1, kAlone, lucky ? kTeamIdle : kTeamLoaded);
    offered += got;
    // A window ends with the team not chosen (it lost) or, after kWindow jobs, chosen (it paid).
    if (got) windows += !m.policy.team_chosen() || offered % TeamPolicy::kWindow == 0;
  }
  ASSERT_GT(windows, 10) << "the machine was probed again and again";
  EXPECT_LT(offered, jobs / 50) << "jobs offered";
}

}  // namespace
}  // namespace tinymlp
