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
  // Alone only in half of each trial's jobs, and trials grow further apart.
  EXPECT_LT(jobs - offered, jobs / 100) << "jobs run alone";
}

TEST(TeamPolicy, RunsAloneWhereThatIsFaster) {
  Machine m;
  const int jobs = 100000;
  const int64_t offered = m.Run(jobs, 1000, 1500);
  EXPECT_FALSE(m.policy.team_chosen());
  // The first kMinExploit jobs (before any trial) and the team's half of each trial.
  EXPECT_LT(offered, TeamPolicy::kMinExploit + jobs / 50) << "jobs offered";
}

TEST(TeamPolicy, SameSpeedEitherWayRunsAlone) {
  Machine m;
  m.Run(5000, 1000, 1000);
  EXPECT_FALSE(m.policy.team_chosen()) << "the same speed for less of the machine";
}

// Trials are at most kMaxFactor trial durations apart; with jobs of 1 to 1.5 us alone and
// 0.6 to 1.5 us with the team, that is within this many jobs.
constexpr int kTrialsApart = 2 * TeamPolicy::kMaxFactor * TeamPolicy::kTrial + TeamPolicy::kTrial;

TEST(TeamPolicy, FollowsTheMachineWhenTheLoadChanges) {
  Machine m;
  m.Run(200000, 1000, 1500);  // loaded: alone, trials far apart by now
  ASSERT_FALSE(m.policy.team_chosen());
  m.Run(kTrialsApart, 1000, 600);  // the load goes: the next trial takes the team back
  EXPECT_TRUE(m.policy.team_chosen());
  m.Run(kTrialsApart, 1000, 1500);  // and comes back
  EXPECT_FALSE(m.policy.team_chosen());
}

TEST(TeamPolicy, ATrialRunsJobsBothWays) {
  Machine m;
  m.Run(TeamPolicy::kMinExploit, 1000, 600);  // up to the first trial, all offered
  const int64_t offered = m.Run(TeamPolicy::kTrial, 1000, 600);
  EXPECT_GE(offered, TeamPolicy::kTrial / 4);
  EXPECT_LE(offered, TeamPolicy::kTrial - TeamPolicy::kTrial / 4);
}

TEST(TeamPolicy, APauseBetweenJobsCountsAsAtMostTwentyMilliseconds) {
  // Jobs of 1 ms alone and 2 ms with the team, and a pause of a minute after the first job of
  // the first trial. Clipped to 20 ms, the pause adds under 1 ms to the mean of the jobs run
  // alone (about 24 of them) if it fell among those, and alone is chosen; counted whole, it
  // would have chosen the team.
  Machine m;
  m.Run(TeamPolicy::kMinExploit, 1'000'000, 2'000'000);
  const bool first_offered = m.policy.OfferNext(m.now);
  m.now += 60'000'000'000;
  m.Run(TeamPolicy::kTrial, 1'000'000, 2'000'000);
  EXPECT_FALSE(m.policy.team_chosen()) << "the paused job was offered: " << first_offered;
}

}  // namespace
}  // namespace tinymlp
