// SPDX-License-Identifier: MIT
#include "remote/remotestore.h"

#include "remote/remotereader.h"

namespace Kodemon {

RemoteStore::RemoteStore(RemoteEndpoint endpoint)
    : m_api(std::make_shared<RemoteApi>(std::move(endpoint)))
{ }

RemoteStore::~RemoteStore() = default;

Status RemoteStore::open()
{
    return Ok {};
}

std::unique_ptr<StoreWriter> RemoteStore::createWriter()
{
    return nullptr;
}

std::unique_ptr<StoreReader> RemoteStore::createReader()
{
    return std::make_unique<RemoteReader>(m_api);
}

Result<ChangeReport> RemoteStore::findChanges(Query& query, const ChangeRequest& request) const
{
    auto report = RemoteReader(m_api).changes(request);
    if (!report && report.errorKind() == ErrorKind::NotFound)
        return Kodemon::findChanges(query, request);
    return report;
}

QString RemoteStore::location() const
{
    return m_api->endpoint().server();
}

qint64 RemoteStore::sizeOnDisk() const
{
    return -1;
}

} // namespace Kodemon
