#include "cbam_image_codecs.h"
