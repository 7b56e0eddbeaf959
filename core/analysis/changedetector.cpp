// SPDX-License-Identifier: MIT
#include "analysis/changedetector.h"

#include "analysis/changepoint.h"
#include "analysis/sidetests.h"
#include "base/ranktest.h"

#include <algorithm>
#include <QLoggingCategory>
#include <cmath>
#include <functional>
#include <tuple>
#include <vector>

namespace Kodemon {

namespace {

// The candidates and the sides each change was judged on: QT_LOGGING_RULES="kodemon.changes.debug=true".
Q_LOGGING_CATEGORY(lcChanges, "kodemon.changes", QtInfoMsg)

constexpr double RoundLengths[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
    43200, 86400, 172800, 604800 };

// A window searched for the exact place of a change holds at most this many calls (evenly spaced ones above).
constexpr qsizetype MaxSplitWindow = 50000;
constexpr int RefineBuckets = 2;
constexpr double TailScale = 2;

double logOf(double milliseconds)
{
    return std::log(std::max(milliseconds, 1e-6)); // 1 ns: a 0 ms call stays finite
}

// The nearest-rank percentile (the ceil(n * permille / 1000)-th smallest) of `values`, which it reorders.
double percentile(std::vector<double>& values, int permille)
{
    const auto n = qsizetype(values.size());
    const qsizetype rank = std::clamp<qsizetype>((n * permille + 999) / 1000, 1, n);
    const auto nth = values.begin() + (rank - 1);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

// A non-empty bucket: calls [first, end) and their levels.
struct Bucket
{
    qsizetype first = 0;
    qsizetype end = 0;
    double logMedian = 0;
    double logP95 = 0;
    qint64 failures = 0;
    double weight() const { return double(end - first); }
};

enum class Source { Median, P95, Errors };

// A change being judged: it starts at call `split`; PELT put it at the start of non-empty bucket `bucket`.
struct Candidate
{
    qsizetype split = 0;
    int bucket = 0;
    Source source = Source::Median;
};

// What the side tests said about one candidate between its neighbours.
struct Verdict
{
    bool judged = false; // both sides long enough
    bool confirmed = false;
    double weakness = 1; // the p-value kept when comparing unconfirmed candidates (1 when not even judged)
    bool median = false;
    bool p95 = false;
    double medianP = 1;
    double p95P = 1;
    double errorsP = 1;
};

using Judge = std::function<Verdict(qsizetype first, qsizetype split, qsizetype end)>;

class Detector
{
public:
    Detector(const CallHistory& history, const ChangeOptions& options)
        : m_calls(history.calls)
        , m_options(options)
    {
        markFailures(history.failures);
    }

    QList<Change> run(double from, double to)
    {
        if (m_calls.size() < 2 * m_options.minCallsPerSide)
            return {};
        m_from = from;
        m_to = to;
        m_step = m_options.bucketSeconds > 0 ? m_options.bucketSeconds
                                             : bucketSecondsFor(to - from, m_calls.size(), m_options);
        bucketize(from);
        if (m_buckets.size() < 2)
            return {};
        QList<Change> changes = latencyChanges();
        changes += errorChanges();
        std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.time < b.time; });
        return changes;
    }

private:
    void markFailures(const QList<double>& failures)
    {
        if (failures.isEmpty())
            return;
        // Calls at the same second cannot be told apart: the first ones of a timestamp are marked failed.
        m_failedBefore.assign(size_t(m_calls.size() + 1), 0);
        std::vector<char> failed(size_t(m_calls.size()), 0);
        qsizetype call = 0;
        for (const double time : failures) {
            while (call < m_calls.size() && (m_calls[call].timestamp < time || failed[size_t(call)]))
                ++call;
            if (call < m_calls.size() && m_calls[call].timestamp == time)
                failed[size_t(call)] = 1;
        }
        for (qsizetype i = 0; i < m_calls.size(); ++i)
            m_failedBefore[size_t(i + 1)] = m_failedBefore[size_t(i)] + failed[size_t(i)];
    }

    bool failedAt(qsizetype call) const
    {
        return !m_failedBefore.empty() && m_failedBefore[size_t(call + 1)] > m_failedBefore[size_t(call)];
    }

    qint64 failuresIn(qsizetype first, qsizetype end) const
    {
        return m_failedBefore.empty() ? 0 : m_failedBefore[size_t(end)] - m_failedBefore[size_t(first)];
    }

    void bucketize(double from)
    {
        // Aligned on multiples of the length, so that a refresh a minute later cuts the same buckets.
        const double origin = std::floor(from / m_step) * m_step;
        std::vector<double> scratch;
        for (qsizetype first = 0; first < m_calls.size();) {
            const double index = std::floor((m_calls[first].timestamp - origin) / m_step);
            const double bucketEnd = origin + (index + 1) * m_step;
            qsizetype end = first;
            while (end < m_calls.size() && m_calls[end].timestamp < bucketEnd)
                ++end;
            scratch.clear();
            for (qsizetype i = first; i < end; ++i)
                scratch.push_back(m_calls[i].value);
            Bucket bucket { first, end, 0, 0, failuresIn(first, end) };
            bucket.logMedian = logOf(percentile(scratch, 500));
            bucket.logP95 = logOf(percentile(scratch, 950));
            m_buckets.append(bucket);
            first = end;
        }
    }

    double penalty() const { return m_options.penaltyFactor * std::log(double(std::max<qsizetype>(m_buckets.size(), 3))); }

    auto callsIn() const
    {
        return [this](int begin, int end) { return double(m_buckets[end - 1].end - m_buckets[begin].first); };
    }

    QList<int> levelChanges(double Bucket::*level) const
    {
        QList<double> values;
        QList<double> weights;
        for (const auto& bucket : m_buckets) {
            values.append(bucket.*level);
            weights.append(bucket.weight());
        }
        const WeightedLevels levels(values, weights);
        return pelt(
            levels.size(), [&](int begin, int end) { return levels.cost(begin, end); }, callsIn(), penalty(),
            double(m_options.minCallsPerSide));
    }

    // Median candidates, then p95 ones unless a median one is within a bucket.
    QList<Candidate> latencyCandidates() const
    {
        QList<Candidate> candidates;
        for (int bucket : levelChanges(&Bucket::logMedian))
            candidates.append({ m_buckets[bucket].first, bucket, Source::Median });
        for (int bucket : levelChanges(&Bucket::logP95)) {
            const bool near = std::any_of(candidates.cbegin(), candidates.cend(),
                [&](const Candidate& c) { return std::abs(c.bucket - bucket) <= 1; });
            if (!near)
                candidates.append({ m_buckets[bucket].first, bucket, Source::P95 });
        }
        std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.split < b.split; });
        return candidates;
    }

    QList<Candidate> errorCandidates() const
    {
        QList<qint64> failures;
        QList<qint64> calls;
        for (const auto& bucket : m_buckets) {
            failures.append(bucket.failures);
            calls.append(bucket.end - bucket.first);
        }
        const FailureCounts counts(failures, calls);
        QList<Candidate> candidates;
        const auto found = pelt(
            counts.size(), [&](int begin, int end) { return counts.cost(begin, end); }, callsIn(), penalty(),
            double(m_options.minCallsPerSide));
        for (int bucket : found)
            candidates.append({ m_buckets[bucket].first, bucket, Source::Errors });
        return candidates;
    }

    // Places each candidate between two calls, within RefineBuckets buckets of where PELT put it (bucket levels
    // are noisy where a bucket holds few calls: the calls themselves tell better), never past its neighbours.
    void refine(QList<Candidate>& candidates) const
    {
        const QList<Candidate> coarse = candidates;
        for (qsizetype i = 0; i < candidates.size(); ++i) {
            const qsizetype lowest = i > 0 ? coarse[i - 1].split : 0;
            const qsizetype highest = i + 1 < coarse.size() ? coarse[i + 1].split : m_calls.size();
            if (const auto split = placeWithin(coarse[i].source, coarse[i].bucket, lowest, highest))
                candidates[i].split = *split;
        }
    }

    // The best split within RefineBuckets buckets of `bucket`, searched over a bucket more on each side, never
    // before call `lowest` or from call `highest` on.
    std::optional<qsizetype> placeWithin(Source source, int bucket, qsizetype lowest, qsizetype highest) const
    {
        const auto at = [&](int b) { return m_buckets[std::clamp<int>(b, 0, int(m_buckets.size()) - 1)]; };
        const qsizetype first = std::max(lowest, at(bucket - RefineBuckets - 1).first);
        const qsizetype end = std::min(highest, at(bucket + RefineBuckets).end);
        const qsizetype allowedFrom = std::max(first + 1, at(bucket - RefineBuckets).first);
        const qsizetype allowedTo = std::min(end - 1, at(bucket + RefineBuckets - 1).end);
        if (allowedFrom > allowedTo)
            return std::nullopt;
        return bestSplit(source, first, end, allowedFrom, allowedTo);
    }

    // The bucket holding call `call`.
    int bucketOf(qsizetype call) const
    {
        const auto found = std::upper_bound(m_buckets.cbegin(), m_buckets.cend(), call,
            [](qsizetype c, const Bucket& bucket) { return c < bucket.first; });
        return int(found - m_buckets.cbegin()) - 1;
    }

    // Places each kept change again, its window now bounded by the changes kept beside it: the first placement
    // was bounded by every candidate, and PELT often cuts one noisy step twice a few buckets apart (a step of
    // +50% at 3 calls a minute: candidates 20 min apart, the first placed 11 min early in a window that ended at
    // the second). The new place is taken when the change holds there more strongly (a smaller p-value).
    void replace(QList<std::pair<Candidate, Verdict>>& kept, const Judge& judge) const
    {
        for (qsizetype i = 0; i < kept.size(); ++i) {
            const qsizetype lowest = i > 0 ? kept[i - 1].first.split : 0;
            const qsizetype highest = i + 1 < kept.size() ? kept[i + 1].first.split : m_calls.size();
            Candidate moved = kept[i].first;
            const auto split = placeWithin(moved.source, bucketOf(moved.split), lowest, highest);
            if (!split || *split == moved.split)
                continue;
            moved.split = *split;
            const Verdict verdict = judge(lowest, moved.split, highest);
            if (verdict.confirmed && verdict.weakness < kept[i].second.weakness)
                kept[i] = { moved, verdict };
        }
    }

    std::optional<qsizetype> bestSplit(
        Source source, qsizetype first, qsizetype end, qsizetype allowedFrom, qsizetype allowedTo) const
    {
        const qsizetype count = end - first;
        const qsizetype taken = std::min(count, MaxSplitWindow);
        QList<qsizetype> index(taken);
        for (qsizetype j = 0; j < taken; ++j)
            index[j] = first + qsizetype(double(j) * double(count) / double(taken));
        QList<bool> allowed(taken, false);
        for (qsizetype j = 1; j < taken; ++j) {
            const qsizetype call = index[j];
            allowed[j] = call >= allowedFrom && call <= allowedTo
                && m_calls[call].timestamp != m_calls[index[j - 1]].timestamp;
        }
        int split = -1;
        if (source == Source::Median) {
            QList<double> values(taken);
            for (qsizetype j = 0; j < taken; ++j)
                values[j] = m_calls[index[j]].value;
            split = rankSplit(values, allowed);
        } else {
            QList<bool> outcomes(taken);
            double threshold = 0;
            if (source == Source::P95) {
                std::vector<double> values;
                for (qsizetype j = 0; j < taken; ++j)
                    values.push_back(m_calls[index[j]].value);
                threshold = percentile(values, 950);
            }
            for (qsizetype j = 0; j < taken; ++j)
                outcomes[j] = source == Source::Errors ? failedAt(index[j]) : m_calls[index[j]].value > threshold;
            split = proportionSplit(outcomes, allowed);
        }
        if (split < 0)
            return std::nullopt;
        return index[split];
    }

    // Up to maxTestSample values of calls [first, end), evenly spaced in time.
    QList<double> sample(qsizetype first, qsizetype end) const
    {
        const qsizetype count = end - first;
        const qsizetype taken = std::min(count, m_options.maxTestSample);
        QList<double> values(taken);
        for (qsizetype j = 0; j < taken; ++j)
            values[j] = m_calls[first + qsizetype(double(j) * double(count) / double(taken))].value;
        return values;
    }

    static double relative(double after, double before) { return before > 0 ? after / before - 1 : 0; }

    // The before side moved half the minimum effect towards the after side: the side tests then ask whether the
    // sides differ by more than that (a minimum-effect test, not a test of no difference at all). A day's load
    // moves a median by several percent, so halves of a step-free day differ "significantly" by 10%: tested
    // against no difference, 100 step-free series with a +-5% daily load effect reported 3 changes of +10% to
    // +21% (p 3e-4 to 3e-7); tested so, see tst_changedetector's printed figure.
    QList<double> movedToward(QList<double> before, double effect) const
    {
        const double factor = 1 + std::copysign(m_options.minEffect / 2, effect);
        for (double& value : before)
            value *= factor;
        return before;
    }

    // The calls a change is judged on, [first, end) around `split`, or nothing when the change lasted less than
    // MinSideBuckets buckets before the next one (a transient bump), or came less than that after the previous one
    // or the range's edges (it is judged once it has lasted that long). A daily cycle moves the latency of long
    // sides apart (the afternoon's load against the night's), so the sides are cycle-neutral: short (as long as
    // it takes to hold localCalls calls, at most MaxShortSide), or whole days when a short side holds fewer than
    // localCalls calls and a day fits on both sides.
    std::optional<std::pair<qsizetype, qsizetype>> localSides(
        qsizetype first, qsizetype split, qsizetype end, double scale = 1) const
    {
        constexpr double MinSideBuckets = 3;
        constexpr double MaxShortSide = 7200;
        constexpr double Day = 86400;
        const double time = m_calls[split].timestamp;
        const double earliest = first == 0 ? std::min(m_from, m_calls[0].timestamp) : m_calls[first].timestamp;
        const double latest = end == m_calls.size() ? std::max(m_to, m_calls[end - 1].timestamp) : m_calls[end].timestamp;
        const double minSpan = MinSideBuckets * m_step;
        if (time - earliest < minSpan || latest - time < minSpan)
            return std::nullopt;
        const qsizetype wanted = qsizetype(scale * double(m_options.localCalls));
        const double spanBefore = time - m_calls[std::max(first, split - wanted)].timestamp;
        const double spanAfter = m_calls[std::min(end, split + wanted) - 1].timestamp - time;
        const double span
            = std::clamp(std::max(spanBefore, spanAfter), std::min(minSpan, MaxShortSide), MaxShortSide);
        double from = std::max(earliest, time - span);
        double to = std::min(latest, time + span);
        if ((split - indexAt(first, split, from) < wanted || indexAt(split, end, to) - split < wanted)
            && time - Day >= earliest && time + Day <= latest) {
            double days = 1;
            while ((split - indexAt(first, split, time - days * Day) < wanted
                       || indexAt(split, end, time + days * Day) - split < wanted)
                && time - (days + 1) * Day >= earliest && time + (days + 1) * Day <= latest)
                ++days;
            from = time - days * Day;
            to = time + days * Day;
        }
        return std::pair { indexAt(first, split, from), indexAt(split, end, to) };
    }

    // The first call in [first, end) at or after `time`.
    qsizetype indexAt(qsizetype first, qsizetype end, double time) const
    {
        const auto found = std::lower_bound(m_calls.cbegin() + first, m_calls.cbegin() + end, time,
            [](const TimedValue& call, double t) { return call.timestamp < t; });
        return qsizetype(found - m_calls.cbegin());
    }

    // The split was chosen where the calls differ most, so its p-value is multiplied by how many independent
    // places it could have been chosen from (Bonferroni over the scan): the range's calls over the smaller side.
    // Without it, 100 step-free series reported 23 changes with p-values of 1e-5 to 1e-3.
    double positionsSearched(qint64 before, qint64 after) const
    {
        return std::max(1.0, double(m_calls.size()) / double(std::max<qint64>(std::min(before, after), 1)));
    }

    Verdict judgeLatency(qsizetype first, qsizetype split, qsizetype end) const
    {
        Verdict verdict;
        const auto sides = localSides(first, split, end);
        if (!sides)
            return verdict;
        const auto [from, to] = *sides;
        if (split - from < m_options.minCallsPerSide || to - split < m_options.minCallsPerSide)
            return verdict;
        verdict.judged = true;
        {
            const QList<double> before = sample(from, split);
            const QList<double> after = sample(split, to);
            std::vector<double> a(before.cbegin(), before.cend());
            std::vector<double> b(after.cbegin(), after.cend());
            const double effect = relative(percentile(b, 500), percentile(a, 500));
            if (std::abs(effect) >= m_options.minEffect) {
                verdict.medianP = std::min(1.0,
                    positionsSearched(split - from, to - split) * mannWhitneyU(after, movedToward(before, effect)).pValue);
                verdict.median = verdict.medianP < m_options.significance;
            }
        }
        // The p95's test counts the calls above the pooled p95, a twentieth of them: it is judged on sides of
        // TailScale times as many calls for the power the median's test has on its own.
        const auto [tailFrom, tailTo] = localSides(first, split, end, TailScale).value_or(*sides);
        const QList<double> before = sample(tailFrom, split);
        const QList<double> after = sample(split, tailTo);
        std::vector<double> a(before.cbegin(), before.cend());
        std::vector<double> b(after.cbegin(), after.cend());
        const double effect = relative(percentile(b, 950), percentile(a, 950));
        if (std::abs(effect) >= m_options.minEffect) {
            verdict.p95P = std::min(1.0,
                positionsSearched(split - tailFrom, tailTo - split) * exceedanceTest(before, after).pValue);
            verdict.p95 = verdict.p95P < m_options.significance;
        }
        verdict.confirmed = verdict.median || verdict.p95;
        verdict.weakness = std::min(verdict.medianP, verdict.p95P);
        return verdict;
    }

    Verdict judgeErrors(qsizetype first, qsizetype split, qsizetype end) const
    {
        Verdict verdict;
        const auto sides = localSides(first, split, end);
        if (!sides)
            return verdict;
        std::tie(first, end) = *sides;
        const qint64 callsBefore = split - first;
        const qint64 callsAfter = end - split;
        if (callsBefore < m_options.minCallsPerSide || callsAfter < m_options.minCallsPerSide)
            return verdict;
        verdict.judged = true;
        const qint64 failedBefore = failuresIn(first, split);
        const qint64 failedAfter = failuresIn(split, end);
        const double effect = errorRateChange(
            double(failedBefore) / double(callsBefore), double(failedAfter) / double(callsAfter));
        if (std::abs(effect) < m_options.minEffect)
            return verdict;
        verdict.errorsP = std::min(1.0,
            positionsSearched(callsBefore, callsAfter)
                * twoProportionPValue(failedBefore, callsBefore, failedAfter, callsAfter));
        verdict.confirmed = verdict.errorsP < m_options.significance;
        verdict.weakness = verdict.errorsP;
        return verdict;
    }

    // Chooses among the candidates as forward selection does: the strongest first (its side test over the calls
    // around it, bounded only by the range); each next one is kept when, judged between the changes already kept,
    // it holds and so do its two neighbours judged against it. A spurious candidate beside a real step is so
    // judged against the step's own level, not over it, and cannot unseat it. (Bottom-up elimination dropped
    // real steps: judged between two spurious neighbours a bucket away, a step of p = 1e-150 looked weaker than
    // noise that could not be judged at all.)
    QList<std::pair<Candidate, Verdict>> confirm(const QList<Candidate>& candidates, const Judge& judge) const
    {
        QList<std::pair<Candidate, Verdict>> alone;
        for (const auto& candidate : candidates)
            alone.append({ candidate, judge(0, candidate.split, m_calls.size()) });
        for (const auto& [c, v] : alone)
            qCDebug(lcChanges, "candidate %d at %.2f h (bucket %d): judged %d p50 %g p95 %g", int(c.source),
                (m_calls[c.split].timestamp - m_from) / 3600, c.bucket, int(v.judged), v.medianP, v.p95P);
        std::stable_sort(alone.begin(), alone.end(),
            [](const auto& a, const auto& b) { return a.second.weakness < b.second.weakness; });
        QList<std::pair<Candidate, Verdict>> kept; // ordered by split
        const auto judgeAt = [&](const QList<std::pair<Candidate, Verdict>>& list, qsizetype i) {
            const qsizetype first = i > 0 ? list[i - 1].first.split : 0;
            const qsizetype end = i + 1 < list.size() ? list[i + 1].first.split : m_calls.size();
            return judge(first, list[i].first.split, end);
        };
        for (const auto& entry : alone) {
            const Candidate& candidate = entry.first; // not a structured binding: the lambda below captures it
            if (!entry.second.confirmed)
                continue; // shorter sides hold fewer calls: it cannot hold between kept ones either
            const auto at = std::find_if(kept.cbegin(), kept.cend(),
                [&](const auto& k) { return k.first.split >= candidate.split; });
            if (at != kept.cend() && at->first.split == candidate.split)
                continue;
            const qsizetype i = qsizetype(at - kept.cbegin());
            auto trial = kept;
            trial.insert(i, { candidate, Verdict {} });
            bool holds = true;
            for (qsizetype j = std::max<qsizetype>(i - 1, 0); holds && j <= std::min(i + 1, trial.size() - 1); ++j) {
                trial[j].second = judgeAt(trial, j);
                holds = trial[j].second.confirmed;
            }
            if (holds)
                kept = trial;
        }
        if (lcChanges().isDebugEnabled()) {
            for (const auto& [candidate, verdict] : kept)
                qCDebug(lcChanges, "kept %d at %.2f h (bucket %d): p %g", int(candidate.source),
                    (m_calls[candidate.split].timestamp - m_from) / 3600, candidate.bucket, verdict.weakness);
        }
        return kept;
    }

    ChangeSide side(qsizetype first, qsizetype end) const
    {
        ChangeSide side;
        side.from = m_calls[first].timestamp;
        side.to = m_calls[end - 1].timestamp;
        side.calls = end - first;
        side.errors = failuresIn(first, end);
        std::vector<double> values;
        values.reserve(size_t(end - first));
        for (qsizetype i = first; i < end; ++i)
            values.push_back(m_calls[i].value);
        side.p50 = percentile(values, 500);
        side.p95 = percentile(values, 950);
        return side;
    }

    // The confirmed candidates as changes, with exact statistics of their sides.
    QList<Change> changesOf(const QList<std::pair<Candidate, Verdict>>& judged, bool errors) const
    {
        QList<Change> changes;
        for (qsizetype i = 0; i < judged.size(); ++i) {
            const qsizetype first = i > 0 ? judged[i - 1].first.split : 0;
            const qsizetype split = judged[i].first.split;
            const qsizetype end = i + 1 < judged.size() ? judged[i + 1].first.split : m_calls.size();
            const auto sides = localSides(first, split, end);
            if (!sides)
                continue;
            const auto [from, to] = *sides;
            if (lcChanges().isDebugEnabled())
                qCDebug(lcChanges, "window %.2f h .. %.2f .. %.2f h (%lld | %lld calls), neighbours %.2f .. %.2f",
                    (m_calls[from].timestamp - m_from) / 3600, (m_calls[split].timestamp - m_from) / 3600,
                    (m_calls[to - 1].timestamp - m_from) / 3600, split - from, to - split,
                    (m_calls[first].timestamp - m_from) / 3600, (m_calls[end - 1].timestamp - m_from) / 3600);
            Change change;
            change.time = m_calls[split].timestamp;
            change.bucketSeconds = m_step;
            change.before = side(from, split);
            change.after = side(split, to);
            const Verdict& verdict = judged[i].second;
            if (errors) {
                change.metric = ChangeMetric::ErrorRate;
                change.relativeChange = errorRateChange(change.before.errorRate(), change.after.errorRate());
                change.pValue = verdict.errorsP;
            } else if (!describeLatency(change, verdict)) {
                continue; // the exact statistics fall short of the minimum effect the sample showed
            }
            change.improvement = change.relativeChange < 0;
            change.callsAffected = end - split;
            change.impact = std::abs(change.relativeChange) * double(change.callsAffected);
            changes.append(change);
        }
        return changes;
    }

    bool describeLatency(Change& change, const Verdict& verdict) const
    {
        const double medianEffect = relative(change.after.p50, change.before.p50);
        const double p95Effect = relative(change.after.p95, change.before.p95);
        change.medianChanged = verdict.median && std::abs(medianEffect) >= m_options.minEffect;
        change.p95Changed = verdict.p95 && std::abs(p95Effect) >= m_options.minEffect;
        if (!change.medianChanged && !change.p95Changed)
            return false;
        const bool medianLeads
            = change.medianChanged && (!change.p95Changed || std::abs(medianEffect) >= std::abs(p95Effect));
        change.metric = medianLeads ? ChangeMetric::Median : ChangeMetric::P95;
        change.relativeChange = medianLeads ? medianEffect : p95Effect;
        change.pValue = medianLeads ? verdict.medianP : verdict.p95P;
        return true;
    }

    QList<Change> latencyChanges() const
    {
        QList<Candidate> candidates = latencyCandidates();
        refine(candidates);
        const Judge judge = [this](qsizetype first, qsizetype split, qsizetype end) {
            return judgeLatency(first, split, end);
        };
        auto judged = confirm(candidates, judge);
        replace(judged, judge);
        return changesOf(judged, false);
    }

    QList<Change> errorChanges() const
    {
        if (m_failedBefore.empty() || m_failedBefore.back() == 0)
            return {};
        QList<Candidate> candidates = errorCandidates();
        refine(candidates);
        const Judge judge = [this](qsizetype first, qsizetype split, qsizetype end) {
            return judgeErrors(first, split, end);
        };
        auto judged = confirm(candidates, judge);
        replace(judged, judge);
        return changesOf(judged, true);
    }

    const QList<TimedValue>& m_calls;
    ChangeOptions m_options;
    double m_step = 60;
    double m_from = 0;
    double m_to = 0;
    QList<Bucket> m_buckets;
    std::vector<qint64> m_failedBefore; // failed calls before each call; empty when none failed
};

} // namespace

double bucketSecondsFor(double seconds, qint64 calls, const ChangeOptions& options)
{
    const double wanted = seconds / std::max(options.targetBuckets, 1);
    const auto* length = std::find_if(std::begin(RoundLengths), std::end(RoundLengths) - 1,
        [&](double round) { return round >= wanted; });
    const auto averageCalls = [&](double step) { return double(calls) * step / std::max(seconds, 1.0); };
    while (length + 1 != std::end(RoundLengths) && averageCalls(*length) < options.minCallsPerBucket
        && *(length + 1) <= seconds / 4)
        ++length;
    return *length;
}

double errorRateChange(double before, double after)
{
    constexpr double Floor = 0.001;
    return (after - before) / std::max(before, Floor);
}

QList<Change> detectChanges(const CallHistory& history, const TimeRange& range, const ChangeOptions& options)
{
    if (history.calls.isEmpty())
        return {};
    const double from = range.from.value_or(history.calls.first().timestamp);
    const double to = range.to.value_or(history.calls.last().timestamp);
    return Detector(history, options).run(from, std::max(to, from + 1));
}

QString metricName(ChangeMetric metric)
{
    switch (metric) {
    case ChangeMetric::Median:
        return QStringLiteral("p50");
    case ChangeMetric::P95:
        return QStringLiteral("p95");
    case ChangeMetric::ErrorRate:
        return QStringLiteral("error_rate");
    }
    return {};
}

} // namespace Kodemon
