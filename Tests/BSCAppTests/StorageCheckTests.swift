import Testing
@testable import BSCApp

@Suite struct StorageCheckTests {
    static let mounts = """
    /dev/vda / ext4 rw,relatime 0 0
    tmpfs /tmp tmpfs rw 0 0
    server:/export /srv/shared nfs4 rw,vers=4.2 0 0
    //nas/team /mnt/team\\040drive cifs rw 0 0
    sshfs#me@host: /home/me/remote fuse.sshfs rw 0 0
    """

    @Test func networkFilesystemsAreRecognisedByTheLongestMountAbove() {
        #expect(StorageCheck.networkFilesystem(at: "/srv/shared/bscdesk", mounts: Self.mounts) == "nfs4")
        #expect(StorageCheck.networkFilesystem(at: "/mnt/team drive/data", mounts: Self.mounts) == "cifs")
        #expect(StorageCheck.networkFilesystem(at: "/home/me/remote/x", mounts: Self.mounts) == "fuse.sshfs")
        #expect(StorageCheck.networkFilesystem(at: "/srv/sharedness", mounts: Self.mounts) == nil)
        #expect(StorageCheck.networkFilesystem(at: "/var/lib/bscdesk", mounts: Self.mounts) == nil)
        #expect(StorageCheck.networkFilesystem(at: "/tmp/x", mounts: Self.mounts) == nil)
    }
}
