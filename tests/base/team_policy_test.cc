// TeamPolicy on a simulated clock: it keeps the team where the team is faster, runs alone where
// alone is faster, follows a machine whose load changes, and spends few jobs on trials.
#include "engine/base/team_policy.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace tinymlp {
namespace {

// Drives a policy through `jobs` jobs that take solo_ns alone and team_ns offered to the team;
// returns how many were offered.
struct Machine {
  TeamPolicy policy;
  int64_t now = 0;
  int64_t Run(int jobs, int64_t solo_ns, int64_t team_ns) {
    int64_t offered = 0;
    for (int i = 0; i < jobs; ++i) {
      const bool offer = policy.OfferNext(now);
      offered += offer;
      now += offer ? team_ns : solo_ns;
    }
    return offered;
  }
};

TEST(TeamPolicy, KeepsTheTeamWhereItIsFaster) {
  Machine m;
  const int jobs = 100000;
  const int64_t offered = m.Run(jobs, 1000, 600);
  EXPECT_TRUE(m.policy.team_chosen());
  // Alone only in trials: kTrial jobs a cycle, cycles growing to kMaxExploit jobs.
  EXPECT_LT(jobs - offered, jobs / 100) << "jobs run alone";
}

TEST(TeamPolicy, RunsAloneWhereThatIsFaster) {
  Machine m;
  const int jobs = 100000;
  const int64_t offered = m.Run(jobs, 1000, 1500);
  EXPECT_FALSE(m.policy.team_chosen());
  // The first kFirstExploit jobs (before any trial) and the team's half of each trial.
  EXPECT_LT(offered, TeamPolicy::kFirstExploit + jobs / 50) << "jobs offered";
}

TEST(TeamPolicy, SameSpeedEitherWayRunsAlone) {
  Machine m;
  m.Run(5000, 1000, 1000);
  EXPECT_FALSE(m.policy.team_chosen()) << "the same speed for less of the machine";
}

TEST(TeamPolicy, FollowsTheMachineWhenTheLoadChanges) {
  Machine m;
  m.Run(50000, 1000, 1500);  // loaded: alone, trials far apart by now
  ASSERT_FALSE(m.policy.team_chosen());
  // The load goes: the next trial, at most kMaxExploit + 2 kTrial jobs away, takes the team back.
  m.Run(TeamPolicy::kMaxExploit + 2 * TeamPolicy::kTrial + 1, 1000, 600);
  EXPECT_TRUE(m.policy.team_chosen());
  m.Run(TeamPolicy::kMaxExploit + 2 * TeamPolicy::kTrial + 1, 1000, 1500);  // and comes back
  EXPECT_FALSE(m.policy.team_chosen());
}

TEST(TeamPolicy, APauseBetweenJobsCountsAsAtMostTwentyMilliseconds) {
  // Jobs of 1 ms alone and 2 ms with the team, and a pause of a minute after the first job of
  // the first trial (run alone): clipped to 20 ms, the trial's 32 jobs alone take 51 ms against
  // the team's 64 ms, and alone is chosen; counted whole, the pause would have chosen the team.
  Machine m;
  m.Run(TeamPolicy::kFirstExploit, 1'000'000, 2'000'000);
  m.policy.OfferNext(m.now);
  m.now += 60'000'000'000;
  m.Run(2 * TeamPolicy::kTrial, 1'000'000, 2'000'000);
  EXPECT_FALSE(m.policy.team_chosen());
}

}  // namespace
}  // namespace tinymlp
