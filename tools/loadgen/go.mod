module github.com/user-management/tools/loadgen

go 1.24
