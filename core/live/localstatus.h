// SPDX-License-Identifier: MIT
#pragma once

#include "live/statussource.h"

#include <memory>

namespace Kodemon {

class Collector;
class Store;

// The status of this process's own collector and store, read whenever asked.
class LocalStatus final : public StatusSource
{
    Q_OBJECT
public:
    LocalStatus(Collector* collector, std::shared_ptr<Store> store, QObject* parent = nullptr);
    ~LocalStatus() override;
    Q_DISABLE_COPY_MOVE(LocalStatus)

    CollectorStatus current() const override;

private:
    Collector* m_collector;
    std::shared_ptr<Store> m_store;
};

} // namespace Kodemon
