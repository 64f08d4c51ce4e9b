// Fuzz target: the decoders of what a checkpoint directory holds (docs/formats/checkpoint.md,
// state-keys.md): the identity, epoch, trigger-log and published records, state keys,
// partition frontiers, HyperLogLog++ sketches, exact sums and stored row cells (JSON and packed). The first byte
// picks the decoder, the rest is the stored bytes. A damaged checkpoint must be refused, never
// crash or be misread: what a decoder accepts, encoded again, decodes to the same encoding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "messages/data/packed_cells.hpp"
#include "messages/data/row.hpp"
#include "state/checkpoint/checkpoint_record.hpp"
#include "state/operators/watermark/partition_watermarks.hpp"
#include "state/operators/window/exact_sum.hpp"
#include "state/operators/window/hyperloglog.hpp"
#include "state/store/state_store.hpp"

using namespace sluice;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

/// decode → encode is a fixed point after one round.
template <class T, class Decode, class Encode>
void stable(const std::string& bytes, Decode decode, Encode encode) {
  T first;
  if (!decode(bytes, first)) return;
  std::string once = encode(first);
  T second;
  require(decode(once, second));
  require(encode(second) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0:
      stable<checkpoint_identity>(
          bytes, [](const std::string& s, checkpoint_identity& x) { return decode_identity(s, x).is_ok(); },
          [](const checkpoint_identity& x) { return encode_identity(x); });
      break;
    case 1:
      stable<epoch_record>(
          bytes, [](const std::string& s, epoch_record& x) { return decode_epoch(s, x).is_ok(); },
          [](const epoch_record& x) { return encode_epoch(x); });
      break;
    case 2:
      stable<logged_trigger>(
          bytes, [](const std::string& s, logged_trigger& x) { return decode_logged_trigger(s, x).is_ok(); },
          [](const logged_trigger& x) { return encode_logged_trigger(x); });
      break;
    case 3: {
      int64_t epoch = 0;
      if (decode_published(bytes, epoch).is_ok()) {
        int64_t again = -1;
        require(decode_published(encode_published(epoch), again).is_ok() && again == epoch);
      }
      break;
    }
    case 4: {
      std::string ns, user;
      key_kind kind;
      if (decode_state_key(bytes, ns, kind, user).is_ok()) {
        std::string ns2, user2;
        key_kind kind2;
        require(decode_state_key(encode_state_key(ns, kind, user), ns2, kind2, user2).is_ok());
        require(ns2 == ns && kind2 == kind && user2 == user);
      }
      break;
    }
    case 5: {
      partition_watermarks w(10'000'000, std::nullopt);
      if (w.decode(bytes, 0).is_ok()) {
        partition_watermarks again(10'000'000, std::nullopt);
        require(again.decode(w.encode(), 0).is_ok());
        require(again.encode() == w.encode());
      }
      break;
    }
    case 6:
      stable<hyperloglog>(
          bytes, [](const std::string& s, hyperloglog& x) { return hyperloglog::decode(s, x).is_ok(); },
          [](const hyperloglog& x) { return x.encode(); });
      break;
    case 7: {
      std::string_view in(bytes);
      exact_sum sum;
      if (sum.decode(in)) (void)sum.value();
      break;
    }
    case 8:
      stable<std::vector<value>>(
          bytes, [](const std::string& s, std::vector<value>& x) { return decode_cells(s, x); },
          [](const std::vector<value>& x) { return encode_cells(x); });
      break;
    case 9:
      stable<std::vector<value>>(
          bytes,
          [](const std::string& s, std::vector<value>& x) {
            std::string_view in(s);
            return unpack_cells(in, x) && in.empty();
          },
          [](const std::vector<value>& x) {
            std::string out;
            pack_cells(x, out);
            return out;
          });
      break;
  }
  return 0;
}
