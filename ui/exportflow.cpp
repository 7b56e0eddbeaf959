// SPDX-License-Identifier: MIT
#include "exportflow.h"

#include "appsettings.h"
#include "base/csv.h"
#include "csvexporter.h"
#include "displayformat.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QStatusBar>

namespace Kodemon {

namespace {

const QString FolderSetting = QStringLiteral("export/folder");

QString lastFolder()
{
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return appSettings().value(FolderSetting, QFileInfo::exists(documents) ? documents : QDir::homePath()).toString();
}

} // namespace

ExportFlow::ExportFlow(QWidget* window, QStatusBar* status)
    : QObject(window)
    , m_window(window)
    , m_status(status)
    , m_exporter(new CsvExporter(this))
{
    connect(m_exporter, &CsvExporter::finished, this, &ExportFlow::onFinished);
}

ExportFlow::~ExportFlow() = default;

void ExportFlow::setStore(std::shared_ptr<Store> store)
{
    m_exporter->setStore(std::move(store));
}

bool ExportFlow::isRunning() const
{
    return m_exporter->isRunning();
}

void ExportFlow::cancel()
{
    m_exporter->cancel();
}

void ExportFlow::ask(const Selection& selection)
{
    const QList<KeyId>& keys = selection.keys;
    if (keys.isEmpty()) {
        QMessageBox::information(m_window, tr("Export CSV"), tr("Select one or more functions to export first."));
        return;
    }
    const QString name
        = Csv::fileName(keys.size() == 1 ? keys.first().key : QStringLiteral("functions"), selection.range);
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export CSV"), lastFolder() + u'/' + name, tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    appSettings().setValue(FolderSetting, QFileInfo(path).absolutePath());
    start(path, selection);
}

bool ExportFlow::start(const QString& path, const Selection& selection)
{
    if (!m_exporter->start(
            CsvExporter::Request { path, selection.keys, selection.range, selection.tags, selection.outcome }))
        return false;
    showProgress(path, selection.keys);
    showStarted(path, selection);
    return true;
}

void ExportFlow::showStarted(const QString& path, const Selection& selection)
{
    if (!m_status)
        return;
    const bool filtered = !selection.tags.isEmpty() || selection.outcome != CallOutcome::All;
    m_status->showMessage(
        filtered ? tr("Exporting the filtered calls to %1…").arg(path) : tr("Exporting to %1…").arg(path));
}

// Shown only when the export takes a while; cancelling leaves no partial file.
void ExportFlow::showProgress(const QString& path, const QList<KeyId>& keys)
{
    auto* progress = new QProgressDialog(
        tr("Exporting %1 to %2…")
            .arg(keys.size() == 1 ? DisplayFormat::shortKey(keys.first().key) : tr("%1 functions").arg(keys.size()),
                QFileInfo(path).fileName()),
        tr("Cancel"), 0, 1000, m_window);
    progress->setObjectName(QStringLiteral("exportProgress"));
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(400);
    progress->setAutoClose(false);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_exporter, &CsvExporter::progress, progress, &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, m_exporter, &CsvExporter::cancel);
    connect(m_exporter, &CsvExporter::finished, progress, &QWidget::close);
}

void ExportFlow::onFinished(qint64 rows, const QString& error)
{
    if (m_status) {
        if (error.isEmpty())
            m_status->showMessage(tr("Exported %1 calls.").arg(DisplayFormat::count(rows)), 8000);
        else
            m_status->showMessage(tr("Export stopped: %1").arg(error), 8000);
    }
    Q_EMIT finished(rows, error);
}

} // namespace Kodemon
