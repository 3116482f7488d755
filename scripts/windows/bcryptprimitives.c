/* A stand-in for Windows' bcryptprimitives.dll, for running huizong.exe under Wine 8 only
 * (scripts/windows.sh puts it beside the exe in a scratch folder; never shipped). Rust's
 * standard library gets random bytes from ProcessPrng, which Wine 8 lacks; this exports it
 * and asks advapi32's RtlGenRandom (SystemFunction036), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
