// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <memory>
#include <QObject>
#include <QPointer>

class QStatusBar;
class QWidget;

namespace Kodemon {

class CsvExporter;
class Store;

// The window's CSV export from the user's side: asks where to save (in the folder used last time), runs the
// CsvExporter with a progress dialog that can cancel it, and says in the status bar how it ended.
class ExportFlow final : public QObject
{
    Q_OBJECT
public:
    ExportFlow(QWidget* window, QStatusBar* status);
    ~ExportFlow() override;
    Q_DISABLE_COPY_MOVE(ExportFlow)

    void setStore(std::shared_ptr<Store> store);
    // What to export: the calls of `keys` over `range` that pass the filters.
    struct Selection
    {
        QList<KeyId> keys;
        TimeRange range;
        QList<TagFilter> tags = {};
        CallOutcome outcome = CallOutcome::All;
    };
    // Asks for a file, then exports; explains instead when no function is selected.
    void ask(const Selection& selection);
    // Exports to `path` at once; false while another export runs or without a store.
    bool start(const QString& path, const Selection& selection);
    bool isRunning() const;
    void cancel();

Q_SIGNALS:
    // `error` empty on success.
    void finished(qint64 rows, const QString& error);

private:
    void showProgress(const QString& path, const QList<KeyId>& keys);
    void showStarted(const QString& path, const Selection& selection);
    void onFinished(qint64 rows, const QString& error);

    QWidget* m_window;
    QPointer<QStatusBar> m_status;
    CsvExporter* m_exporter;
};

} // namespace Kodemon
