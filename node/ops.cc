#include "ops.h"

#include <array>

#include "admin.h"
#include "escrow.h"
#include "directory.h"
#include "holds.h"
#include "journal.h"
#include "slips.h"
#include "stock.h"
#include "tickets.h"

namespace kura {
namespace {

constexpr std::array kOps = {
    OpSpec{"stock.get", OpStockGet, false},
    OpSpec{"stock.list", OpStockList, false},
    OpSpec{"stock.receive", OpStockReceive, true},
    OpSpec{"stock.sell", OpStockSell, true},
    OpSpec{"stock.return", OpStockReturn, true},
    OpSpec{"stock.count", OpStockCount, true},
    OpSpec{"stock.transfer_out", OpStockTransferOut, true},
    OpSpec{"stock.transfer_in", OpStockTransferIn, true},
    OpSpec{"hold.create", OpHoldCreate, true},
    OpSpec{"hold.confirm", OpHoldConfirm, true},
    OpSpec{"hold.ready", OpHoldReady, true},
    OpSpec{"hold.collect", OpHoldCollect, true},
    OpSpec{"hold.cancel", OpHoldCancel, true},
    OpSpec{"hold.get", OpHoldGet, false},
    OpSpec{"hold.list", OpHoldList, false},
    // Mutating: the first ticket a replica signs publishes its key.
    OpSpec{"hold.ticket", OpHoldTicket, true},
    OpSpec{"ticket.verify", OpTicketVerify, false},
    OpSpec{"ticket.redeem", OpTicketRedeem, true},
    OpSpec{"slip.list", OpSlipList, false},
    OpSpec{"slip.print", OpSlipPrint, false},
    OpSpec{"slip.ack", OpSlipAck, true},
    OpSpec{"journal.list", OpJournalList, false},
    // Writes, but needs no request id: compacting twice is compacting once.
    OpSpec{"journal.compact", OpJournalCompact, false},
    OpSpec{"directory.list", OpDirectoryList, false},
    OpSpec{"store.status.set", OpStoreStatusSet, true},
    // Writes, but needs no request id: granting up to the target twice is granting once.
    OpSpec{"escrow.grant", OpEscrowGrant, false},
    OpSpec{"policy.get", OpPolicyGet, false},
    OpSpec{"status", OpStatus, false},
    OpSpec{"sync.status", OpSyncStatus, false},
    OpSpec{"admin.check", OpAdminCheck, false},
};

}  // namespace

const OpSpec* FindOp(std::span<const OpSpec> ops, std::string_view name) {
  for (const auto& op : ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::span<const OpSpec> StoreOps() { return kOps; }

}  // namespace kura
