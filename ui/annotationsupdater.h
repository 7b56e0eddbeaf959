// SPDX-License-Identifier: MIT
#pragma once

#include "base/annotation.h"
#include "base/result.h"
#include "jobtracker.h"

#include <QObject>

class QTimer;

namespace Kodemon {

class ChartView;
class QueryThread;
class TimeRangeController;
struct ChartMarker;

// Puts the deploy markers (annotations) of the shown range on the chart: reads them on a query thread when the
// range changes and every RefreshMs while live, so that one a deploy script posts appears within seconds.
class AnnotationsUpdater final : public QObject
{
    Q_OBJECT
public:
    AnnotationsUpdater(ChartView* chart, TimeRangeController* range, QObject* parent = nullptr);
    ~AnnotationsUpdater() override;
    Q_DISABLE_COPY_MOVE(AnnotationsUpdater)

    static constexpr int RefreshMs = 5000;
    static QColor color(); // amber, as on the web page

    void setQueryThread(QueryThread* thread);
    void reload();
    // The annotations shown now (or those read last).
    const QList<Annotation>& annotations() const { return m_annotations; }
    // The chart's markers of `annotations`: each on every function of its project (all, without one).
    static QList<ChartMarker> markersOf(const QList<Annotation>& annotations);

Q_SIGNALS:
    void loaded();

private:
    void apply(const Result<QList<Annotation>>& annotations);

    ChartView* m_chart;
    TimeRangeController* m_range;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    QTimer* m_timer;
    QList<Annotation> m_annotations;
};

} // namespace Kodemon
