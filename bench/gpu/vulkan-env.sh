# Sourced by the Vulkan scripts on the GPU machine: unpacks the Vulkan
# loader and the GL vendor libraries NVIDIA's ICD needs (carried in .gl/,
# see prepare-vulkan.sh) into /, and points the loader at the driver's ICD
# file.
if [ -d .gl ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f $icd ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
  export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
fi
