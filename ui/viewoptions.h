// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "store/comparison.h"

#include <optional>
#include <QObject>

namespace Kodemon {

struct CallTags;

// Which range the window compares the shown one with; the choices of the baseline selector.
struct BaselineChoice
{
    enum class Kind { None, Previous, DayEarlier, WeekEarlier, Custom };
    Kind kind = Kind::None;
    TimeRange custom; // for Custom: both ends set

    friend bool operator==(const BaselineChoice& a, const BaselineChoice& b)
    {
        return a.kind == b.kind
            && (a.kind != Kind::Custom || (a.custom.from == b.custom.from && a.custom.to == b.custom.to));
    }
    friend bool operator!=(const BaselineChoice& a, const BaselineChoice& b) { return !(a == b); }
};

// The one place that holds what the window asks of the calls besides their time range: the tag filters and the
// outcome every question is asked with (functions table, chart, statistics, tags, CSV, live calls), the tag the
// chart and the table are split by, and the baseline they are compared with. The filter bar writes it; the
// updaters read it, as they read the TimeRangeController.
class ViewOptions final : public QObject
{
    Q_OBJECT
public:
    explicit ViewOptions(QObject* parent = nullptr);
    ~ViewOptions() override;
    Q_DISABLE_COPY_MOVE(ViewOptions)

    const QList<TagFilter>& tagFilters() const { return m_filters; }
    CallOutcome outcome() const { return m_outcome; }
    // True when some calls may be left out (a tag filter or an outcome other than all).
    bool filtersCalls() const { return !m_filters.isEmpty() || m_outcome != CallOutcome::All; }
    // Adds a filter; it replaces the filters on the same tag that it contradicts (clicking another value of a tag
    // switches to it rather than asking for calls with two values at once). False when it was there already.
    bool addTagFilter(const TagFilter& filter);
    void removeTagFilter(const TagFilter& filter);
    void setTagFilters(const QList<TagFilter>& filters);
    void setOutcome(CallOutcome outcome);
    // No tag filter and every outcome.
    void clearFilters();

    // The tag the chart draws one line per value of (and the table splits rows by); empty: none.
    const QString& groupBy() const { return m_groupBy; }
    void setGroupBy(const QString& tag);
    // Whether the functions table splits each function by the group-by tag too (the chart always does).
    bool splitsTable() const { return m_splitTable; }
    void setSplitTable(bool split);
    // The tag the functions table splits rows by: the group-by tag while splitsTable(), else none.
    QString tableGroupBy() const { return m_splitTable ? m_groupBy : QString(); }

    const BaselineChoice& baseline() const { return m_baseline; }
    void setBaseline(const BaselineChoice& baseline);
    bool hasBaseline() const { return m_baseline.kind != BaselineChoice::Kind::None; }
    std::optional<BaselineSpec> baselineSpec() const;
    // The baseline of `range`, or the words that say why there is none (an open range cannot be compared).
    Result<TimeRange> baselineRange(const TimeRange& range) const;
    // "previous period", "1 day earlier", "1 week earlier", "custom range".
    static QString baselineLabel(const BaselineChoice& baseline);

    // The selector of `id`'s calls over `range` with the filters in effect.
    SeriesSelector selector(const KeyId& id, const TimeRange& range) const;
    // Whether a call that just arrived passes the filters (live mode); `tags` read from its extra fields.
    bool passes(const CallTags& tags) const;
    // The filters as the text the filter bar and the settings file keep, one per filter.
    QStringList filterTexts() const;
    // "Filtered: endpoint:/cart · failed calls", for notes beside filtered figures; empty when nothing is filtered.
    QString filterSummary() const;

Q_SIGNALS:
    // The tag filters or the outcome changed: every view reads its calls again.
    void filterChanged();
    void groupByChanged(const QString& tag);
    void splitTableChanged(bool split);
    void baselineChanged();

private:
    QList<TagFilter> m_filters;
    CallOutcome m_outcome = CallOutcome::All;
    QString m_groupBy;
    bool m_splitTable = true;
    BaselineChoice m_baseline;
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::BaselineChoice)
