// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "jobtracker.h"

#include <optional>
#include <QObject>

class QTimer;

namespace Kodemon {

class QueryThread;
class TagValuesModel;
class TimeRangeController;
class ViewOptions;

// Feeds the tag list (and through it the filter bar's completion and the group-by choices): reads the current
// key's tags and their most frequent values over the range, among the calls that pass the filters, when any of
// those change, and every RefreshMs while live (tags change slowly; reading them is a scan of the range).
class TagsUpdater final : public QObject
{
    Q_OBJECT
public:
    TagsUpdater(TagValuesModel* model, TimeRangeController* range, ViewOptions* options, QObject* parent = nullptr);
    ~TagsUpdater() override;
    Q_DISABLE_COPY_MOVE(TagsUpdater)

    static constexpr int RefreshMs = 15000;
    static constexpr int ValuesPerTag = 10;

    void setQueryThread(QueryThread* thread);
    void setKey(const std::optional<Kodemon::KeyId>& key);
    void reload();

    // What a load read: the tags and how many calls were selected.
    struct Loaded
    {
        Result<QList<TagSummary>> tags;
        qint64 calls = 0;
    };

Q_SIGNALS:
    // A load was shown; `error` empty on success.
    void loaded(const QString& error);

private:
    void apply(const Loaded& loaded);

    TagValuesModel* m_model;
    TimeRangeController* m_range;
    ViewOptions* m_options;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    QTimer* m_timer;
    std::optional<KeyId> m_key;
};

} // namespace Kodemon
