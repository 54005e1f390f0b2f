#include "fetch/devices.h"

namespace mmaudit::fetch {

const std::vector<Device>& Devices() {
  static const std::vector<Device> devices = {
      {"moto-g-power",
       "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/130.0.0.0 Mobile Safari/537.36 mmaudit/0.1",
       412, 823, 1.75, true},
      {"iphone",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/17.5 Mobile/15E148 Safari/604.1 mmaudit/0.1",
       390, 844, 3, true},
      {"desktop",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/130.0.0.0 Safari/537.36 mmaudit/0.1",
       1350, 940, 1, false},
  };
  return devices;
}

std::optional<Device> FindDevice(std::string_view name) {
  for (const Device& d : Devices())
    if (d.name == name) return d;
  return std::nullopt;
}

}  // namespace mmaudit::fetch
