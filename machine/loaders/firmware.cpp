#include "machine/loaders/firmware.h"

#include <unistd.h>

#include "machine/error.h"
#include "machine/loaders/image_file.h"

namespace vireo::loaders {
namespace {

// A bare name that is not in the current folder is looked up in the firmware folders.
std::string ResolveFirmwarePath(const std::string& path) {
  if (path.find('/') != std::string::npos || access(path.c_str(), F_OK) == 0) return path;
  for (const char* dir : kFirmwareSearchPath) {
    std::string candidate = std::string(dir) + "/" + path;
    if (access(candidate.c_str(), F_OK) == 0) return candidate;
  }
  return path;  // let the open fail with the name the user gave
}

}  // namespace

std::unique_ptr<FirmwareRom> LoadFirmware(const std::string& path, machine::AddressSpace& memory) {
  const ImageFile file(ResolveFirmwarePath(path), "firmware");
  if (file.size() == 0 || file.size() % FirmwareRom::kSizeUnit != 0) {
    throw Error(file.Message("firmware size " + std::to_string(file.size()) +
                             " bytes is not a non-zero multiple of 64 KiB"));
  }
  if (file.size() > FirmwareRom::kMaxSize) {
    throw Error(file.Message("firmware is " + std::to_string(file.size() >> 20) +
                             " MiB, at most 16 MiB fits below 4 GiB"));
  }
  std::unique_ptr<FirmwareRom> rom(new FirmwareRom(file.path(), file.ReadAll()));
  uint8_t* host = rom->bytes_.data();
  memory.AddRom(rom->base(), rom->size(), host, "bios");
  // The alias shows the image's last bytes: the BIOS's real-mode code and the reset jump.
  memory.AddRom(rom->isa_alias_base(), rom->isa_alias_size(),
                host + rom->size() - rom->isa_alias_size(), "bios-isa-alias");
  return rom;
}

}  // namespace vireo::loaders
